package dev.posthorn.mailauth.dmarc;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A DMARC aggregate report (RFC 7489 7.2 and appendix C): what one receiver saw of one policy domain's mail in one
 * reporting interval, as the XML document the appendix's schema describes. Every element the schema requires is
 * written, even where its common relaxed versions made it optional ({@code sp}, {@code fo}, {@code envelope_from},
 * the SPF {@code scope}, {@code version}), so that strict and relaxed readers both take it.
 *
 * <p>Text from messages (domains, DKIM selectors) is checked or bounded before it gets here, and is escaped by the
 * XML writer; characters XML 1.0 cannot carry are dropped.
 *
 * @param metadata     who reports, which interval
 * @param policyDomain the domain whose record applied (where it was found)
 * @param published    that record
 * @param rows         one per distinct combination of results, with its message count
 */
public record AggregateReport(Metadata metadata, String policyDomain, DmarcRecord published, List<Row> rows) {

    public AggregateReport {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(published, "published");
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a report has at least one record (appendix C: feedback/record)");
        }
    }

    /**
     * RFC 7489 7.2.2 {@code report_metadata}.
     *
     * @param begin the interval's start, inclusive
     * @param end   its end
     */
    public record Metadata(String orgName, String email, Optional<String> extraContactInfo, String reportId,
                           Instant begin, Instant end) {
        public Metadata {
            Objects.requireNonNull(orgName, "orgName");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(extraContactInfo, "extraContactInfo");
            Objects.requireNonNull(reportId, "reportId");
            if (!end.isAfter(begin)) {
                throw new IllegalArgumentException("the interval ends after it begins");
            }
        }
    }

    /** Appendix C {@code PolicyOverrideType}: why the applied disposition differs from the policy. */
    public enum Override {
        FORWARDED, SAMPLED_OUT, TRUSTED_FORWARDER, MAILING_LIST, LOCAL_POLICY, OTHER;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A DKIM signature's result, uninterpreted by DMARC (appendix C {@code DKIMAuthResultType}). */
    public record DkimAuth(String domain, String selector, String result) {
    }

    /**
     * The SPF result (appendix C {@code SPFAuthResultType}).
     *
     * @param helo the HELO name was checked (a null MAIL FROM), not the MAIL FROM domain
     */
    public record SpfAuth(String domain, boolean helo, String result) {
    }

    /**
     * One {@code record}: messages alike in everything the report shows.
     *
     * @param disposition  what this receiver did: {@code reject} when it refused them, else {@code none}
     * @param overrides    why that differs from the policy, if it does
     * @param envelopeFrom the MAIL FROM domain; empty for the null reverse path
     */
    public record Row(InetAddress source, long count, DmarcRecord.Policy disposition, boolean dkimAligned,
                      boolean spfAligned, List<Override> overrides, String envelopeFrom, String headerFrom,
                      List<DkimAuth> dkim, SpfAuth spf) {
        public Row {
            Objects.requireNonNull(source, "source");
            overrides = List.copyOf(overrides);
            dkim = List.copyOf(dkim);
            Objects.requireNonNull(spf, "spf");
            if (count < 1) {
                throw new IllegalArgumentException("count is at least 1");
            }
        }
    }

    /**
     * The report's file name (RFC 7489 7.2.1.1): {@code receiver!policy-domain!begin!end.xml}, to which the mail
     * adds {@code .gz}.
     */
    public String fileName(String receiver) {
        return receiver + "!" + policyDomain + "!" + metadata.begin().getEpochSecond() + "!"
                + metadata.end().getEpochSecond() + ".xml";
    }

    /** Writes the XML document, UTF-8; {@code out} stays open. */
    public void writeTo(OutputStream out) throws IOException {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            Writer w = new Writer(xml);
            xml.writeStartDocument("UTF-8", "1.0");
            w.open("feedback");
            w.leaf("version", "1.0");
            metadata(w);
            policy(w);
            for (Row row : rows) {
                record(w, row);
            }
            w.close();
            xml.writeEndDocument();
            xml.writeCharacters("\n");
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("writing the report: " + e.getMessage(), e);
        }
    }

    private void metadata(Writer w) throws XMLStreamException {
        w.open("report_metadata");
        w.leaf("org_name", metadata.orgName());
        w.leaf("email", metadata.email());
        if (metadata.extraContactInfo().isPresent()) {
            w.leaf("extra_contact_info", metadata.extraContactInfo().get());
        }
        w.leaf("report_id", metadata.reportId());
        w.open("date_range");
        w.leaf("begin", Long.toString(metadata.begin().getEpochSecond()));
        w.leaf("end", Long.toString(metadata.end().getEpochSecond()));
        w.close();
        w.close();
    }

    private void policy(Writer w) throws XMLStreamException {
        w.open("policy_published");
        w.leaf("domain", policyDomain);
        w.leaf("adkim", published.strictDkim() ? "s" : "r");
        w.leaf("aspf", published.strictSpf() ? "s" : "r");
        w.leaf("p", published.policy().keyword());
        w.leaf("sp", published.subdomainPolicy().orElse(published.policy()).keyword());
        w.leaf("pct", Integer.toString(published.percent()));
        w.leaf("fo", published.failureOptions());
        w.close();
    }

    private static void record(Writer w, Row row) throws XMLStreamException {
        w.open("record");
        w.open("row");
        w.leaf("source_ip", address(row.source()));
        w.leaf("count", Long.toString(row.count()));
        w.open("policy_evaluated");
        w.leaf("disposition", row.disposition().keyword());
        w.leaf("dkim", row.dkimAligned() ? "pass" : "fail");
        w.leaf("spf", row.spfAligned() ? "pass" : "fail");
        for (Override override : row.overrides()) {
            w.open("reason");
            w.leaf("type", override.keyword());
            w.close();
        }
        w.close();
        w.close();
        w.open("identifiers");
        w.leaf("envelope_from", row.envelopeFrom());
        w.leaf("header_from", row.headerFrom());
        w.close();
        w.open("auth_results");
        for (DkimAuth dkim : row.dkim()) {
            w.open("dkim");
            w.leaf("domain", dkim.domain());
            w.leaf("selector", dkim.selector());
            w.leaf("result", dkim.result());
            w.close();
        }
        w.open("spf");
        w.leaf("domain", row.spf().domain());
        w.leaf("scope", row.spf().helo() ? "helo" : "mfrom");
        w.leaf("result", row.spf().result());
        w.close();
        w.close();
        w.close();
    }

    /** IPv6 in the full eight groups that appendix C's {@code IPAddress} pattern takes, without a scope. */
    public static String address(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return address instanceof Inet6Address && scope >= 0 ? text.substring(0, scope) : text;
    }

    /** Elements one per line, indented by depth. */
    private static final class Writer {
        private final XMLStreamWriter xml;
        private int depth;

        Writer(XMLStreamWriter xml) {
            this.xml = xml;
        }

        void open(String name) throws XMLStreamException {
            indent();
            xml.writeStartElement(name);
            depth++;
        }

        void close() throws XMLStreamException {
            depth--;
            indent();
            xml.writeEndElement();
        }

        void leaf(String name, String text) throws XMLStreamException {
            indent();
            xml.writeStartElement(name);
            xml.writeCharacters(xmlSafe(text));
            xml.writeEndElement();
        }

        private void indent() throws XMLStreamException {
            xml.writeCharacters("\n" + "  ".repeat(depth));
        }
    }

    /** Drops what XML 1.0 cannot carry (2.2: controls other than tab, CR, LF; lone surrogates; U+FFFE, U+FFFF). */
    static String xmlSafe(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(c -> c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF
                || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF).forEach(out::appendCodePoint);
        return out.toString();
    }
}
