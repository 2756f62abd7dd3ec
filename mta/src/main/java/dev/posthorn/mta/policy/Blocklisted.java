package dev.posthorn.mta.policy;

import dev.posthorn.mta.dns.DnsBlocklist;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Is this untrusted client on a DNS blocklist? Each listing is logged; when the operator chose to reject, the
 * greeting is {@code 554 5.7.1} naming the list (RFC 5321 3.1 allows 554 in place of 220), otherwise the client goes
 * on and the listing is only noted.
 */
public final class Blocklisted implements SessionPolicy {

    private static final Logger log = LoggerFactory.getLogger(Blocklisted.class);

    private final DnsBlocklist lists;
    private final boolean reject;

    /** @param reject whether a listed client is refused, rather than only logged */
    public Blocklisted(DnsBlocklist lists, boolean reject) {
        this.lists = lists;
        this.reject = reject;
    }

    @Override
    public Decision connect(SessionInfo session) {
        if (session.trusted()
                || !(lists.check(session.remote().getAddress()) instanceof DnsBlocklist.Verdict.Listed listed)) {
            return Decision.accept();
        }
        String literal = AddressLiteral.of(session.remote().getAddress()).text();
        log.info("{}: client {} is listed in {}{}{}", session.connectionId(), literal, listed.zone(),
                listed.reason().isEmpty() ? "" : ": ", listed.reason());
        return reject ? Decision.reject(greeting(literal, listed.zone(), listed.reason())) : Decision.accept();
    }

    /**
     * The greeting for a client on a DNS blocklist (RFC 5782's lists name themselves so that the sender's operator
     * knows where to ask for removal).
     *
     * @param addressLiteral the client's address as {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}
     * @param reason         the list's own words, printable ASCII only; may be empty
     */
    public static Reply greeting(String addressLiteral, String zone, String reason) {
        return Reply.of(554, "5.7.1", "Service unavailable; client " + addressLiteral + " blocked using " + zone
                + (reason.isEmpty() ? "" : "; " + reason));
    }
}
