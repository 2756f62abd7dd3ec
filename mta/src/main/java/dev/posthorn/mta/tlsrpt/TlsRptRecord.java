package dev.posthorn.mta.tlsrpt;

import dev.posthorn.mailauth.dmarc.ReportUri;
import dev.posthorn.mailauth.dns.Answer;
import dev.posthorn.mailauth.dns.DnsLookup;
import dev.posthorn.smtp.Mailbox;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A domain's TLS reporting policy (RFC 8460 3): {@code v=TLSRPTv1; rua=...} at {@code _smtp._tls.<domain>}, naming
 * where reports go: {@code mailto:} addresses and {@code https:} URLs. Exactly one such TXT record must be there
 * (3: with none or several, the domain takes no reports); unknown tags are ignored; a {@code rua} with no usable
 * URI makes the record unusable.
 *
 * @param mail  the addresses (at most {@link #MAX_URIS} of each kind)
 * @param https the URLs
 */
public record TlsRptRecord(List<Mailbox> mail, List<URI> https) {

    public static final int MAX_URIS = 5;

    public TlsRptRecord {
        mail = List.copyOf(mail);
        https = List.copyOf(https);
        if (mail.isEmpty() && https.isEmpty()) {
            throw new IllegalArgumentException("a record names at least one destination");
        }
    }

    /** The record of {@code domain}; empty when there is none usable or the lookup failed. */
    public static Optional<TlsRptRecord> lookup(DnsLookup dns, String domain) {
        Answer<String> answer = dns.txt("_smtp._tls." + domain);
        if (answer instanceof Answer.Failed<String>) {
            return Optional.empty();
        }
        List<String> records = answer.recordsOrEmpty().stream()
                .filter(txt -> txt.startsWith("v=TLSRPTv1;") || txt.equals("v=TLSRPTv1")).toList();
        return records.size() == 1 ? parse(records.getFirst()) : Optional.empty();
    }

    /** Reads one record's text; empty when it is not a usable TLSRPT record. */
    public static Optional<TlsRptRecord> parse(String txt) {
        String[] fields = txt.split(";");
        if (!fields[0].strip().equals("v=TLSRPTv1")) {
            return Optional.empty();
        }
        String rua = null;
        for (int i = 1; i < fields.length; i++) {
            String[] pair = fields[i].split("=", 2);
            if (pair.length == 2 && pair[0].strip().toLowerCase(Locale.ROOT).equals("rua") && rua == null) {
                rua = pair[1].strip();
            }
        }
        if (rua == null) {
            return Optional.empty();
        }
        List<Mailbox> mail = new ArrayList<>();
        List<URI> https = new ArrayList<>();
        for (String item : rua.split(",")) {
            String uri = item.strip();
            if (uri.regionMatches(true, 0, "mailto:", 0, 7) && mail.size() < MAX_URIS) {
                ReportUri.parseList(uri).forEach(parsed -> mail.add(parsed.mailbox()));
            } else if (uri.regionMatches(true, 0, "https:", 0, 6) && https.size() < MAX_URIS) {
                https(uri).ifPresent(https::add);
            }
        }
        return mail.isEmpty() && https.isEmpty() ? Optional.empty() : Optional.of(new TlsRptRecord(mail, https));
    }

    private static Optional<URI> https(String text) {
        try {
            URI uri = new URI(text);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null
                    ? Optional.of(uri) : Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        mail.forEach(m -> all.add("mailto:" + m));
        https.forEach(u -> all.add(u.toString()));
        return "v=TLSRPTv1; rua=" + String.join(",", all);
    }
}
