package dev.posthorn.mailauth.dns;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * One question through dnsjava's {@link ValidatingResolver} (or, in the fuzz tests, a resolver that reads answers as
 * such a validator gives them), read as an {@link Answer} that says whether it is secure.
 *
 * <p>The validator marks a validated answer with the AD bit (RFC 4035 3.2.3, set by the validator itself, never
 * taken from the network: it clears the bit of every response it receives) and turns a bogus one into SERVFAIL with
 * an extended error (RFC 8914) that names the reason. CNAME chains are read from the answer section, as a recursive
 * resolver sends them whole (RFC 1034 4.3.2), and asked further when the chain stops short; the whole answer is secure
 * only when every step was. No cache here: the validator keeps the keys it has validated, and the recursive resolver
 * caches the rest.
 */
final class SecureLookup {

    /** Bounds a CNAME chain, like {@link org.xbill.DNS.Lookup}'s limit (RFC 1034 3.6.2 asks to detect loops). */
    private static final int MAX_CHAIN = 16;

    private final Resolver validator;

    /** @param validator a resolver that validates what it receives and marks a validated answer with the AD bit */
    SecureLookup(Resolver validator) {
        this.validator = validator;
    }

    Answer<Record> lookup(Name name, int type) {
        boolean secure = true;
        Name current = name;
        for (int asked = 0; asked < MAX_CHAIN; asked++) {
            Message response;
            try {
                response = validator.send(Message.newQuery(Record.newRecord(current, type, DClass.IN)));
            } catch (IOException e) {
                return new Answer.Failed<>(e.getMessage() == null ? e.toString() : e.getMessage());
            } catch (RuntimeException e) {
                // As in DnsClient.lookup: a malformed answer that dnsjava's own code trips over is no answer.
                return new Answer.Failed<>("malformed answer (" + e.getClass().getSimpleName() + ")");
            }
            int rcode = response.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return failure(response);
            }
            secure &= response.getHeader().getFlag(Flags.AD);
            List<Record> answers = response.getSection(Section.ANSWER);
            Name end = endOfChain(current, answers);
            if (end == null) {
                return new Answer.Failed<>("CNAME loop at " + current);
            }
            Name owner = end;
            List<Record> wanted = answers.stream()
                    .filter(r -> r.getType() == type && r.getName().equals(owner)).toList();
            if (!wanted.isEmpty()) {
                return new Answer.Found<>(wanted, secure);
            }
            if (rcode == Rcode.NXDOMAIN) {
                return new Answer.NoSuchName<>(secure);   // RFC 6604 2.1: the rcode is about the chain's last name
            }
            if (end.equals(current)) {
                return new Answer.NoData<>(secure);
            }
            current = end;   // the chain stopped short of data: ask for its last name
        }
        return new Answer.Failed<>("CNAME chain of " + name + " longer than " + MAX_CHAIN);
    }

    /** Where the CNAMEs in {@code answers} starting at {@code name} lead; null for a loop. */
    private static Name endOfChain(Name name, List<Record> answers) {
        Name current = name;
        for (int step = 0; step <= answers.size(); step++) {
            Name at = current;
            Optional<Name> next = answers.stream().filter(r -> r instanceof CNAMERecord && r.getName().equals(at))
                    .map(r -> ((CNAMERecord) r).getTarget()).findFirst();
            if (next.isEmpty()) {
                return current;
            }
            current = next.get();
        }
        return null;
    }

    /** A failed answer, bogus when the validator names a DNSSEC reason (RFC 8914 4.2 to 4.13). */
    private static Answer.Failed<Record> failure(Message response) {
        String rcode = Rcode.string(response.getRcode());
        OPTRecord opt = response.getOPT();
        if (opt != null) {
            for (EDNSOption option : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
                ExtendedErrorCodeOption error = (ExtendedErrorCodeOption) option;
                int code = error.getErrorCode();
                boolean dnssec = code >= ExtendedErrorCodeOption.UNSUPPORTED_DNSKEY_ALGORITHM
                        && code <= ExtendedErrorCodeOption.NSEC_MISSING
                        && code != ExtendedErrorCodeOption.STALE_ANSWER
                        && code != ExtendedErrorCodeOption.FORGED_ANSWER;
                String text = error.getText() == null ? "" : ": " + printable(error.getText());
                if (dnssec) {
                    return new Answer.Failed<>("DNSSEC validation failed (bogus)" + text, true);
                }
                return new Answer.Failed<>(rcode + text);
            }
        }
        return new Answer.Failed<>(rcode);
    }

    /** Validator reasons quote names from the network: keep them printable and short. */
    private static String printable(String text) {
        String kept = text.replaceAll("[^\\x20-\\x7e]", "?");
        return kept.length() > 200 ? kept.substring(0, 200) + "..." : kept;
    }
}
