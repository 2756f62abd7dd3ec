package dev.posthorn.mta.delivery;

import dev.posthorn.mta.dns.Target;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.client.Transcript;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one delivery to one destination went through, for the operator's "explain": the route, the exchangers DNS
 * gave, the host tried last with its TLS policy and outcome, and the tail of that host's SMTP dialogue. One trace per
 * destination per attempt, filled on the delivering thread.
 *
 * <p>Cheap when nothing fails: the transcript keeps references to the lines and replies (at most {@link #LINES});
 * nothing is formatted until someone asks ({@link #transcript()}, {@link #policy()}), which the queue runner does
 * only for a message that stays queued. Remote replies are untrusted text, but a {@link Reply} holds no CR or LF,
 * and each line is cut at {@link #LINE_LENGTH}.
 */
public final class DeliveryTrace implements Transcript {

    /** The transcript's length: enough for EHLO, STARTTLS, MAIL, a few RCPT and their replies. */
    public static final int LINES = 20;
    static final int LINE_LENGTH = 512;

    private String route = "mx";
    private List<Target> exchangers = List.of();
    private DomainTls.Requirement requirement;
    private HostTls hostTls;
    private String host = "";
    private String tls = "";
    private String tlsProtocol;
    private final ArrayDeque<Object> lines = new ArrayDeque<>(LINES);

    /** How the mail went: {@code mx}, {@code smarthost HOST:PORT}, {@code route to HOST:PORT}, {@code route to lmtp:...}. */
    public String route() {
        return route;
    }

    void route(String how) {
        this.route = how;
    }

    void exchangers(List<Target> targets) {
        this.exchangers = targets;
    }

    void requirement(DomainTls.Requirement domainRequirement) {
        this.requirement = domainRequirement;
    }

    /** A new host is tried: its dialogue starts afresh. */
    void trying(String remote, HostTls policy) {
        this.host = remote;
        this.hostTls = policy;
        this.tls = "";
        this.tlsProtocol = null;
        lines.clear();
    }

    /** The TLS outcome of the host tried: a protocol, {@code none}, or why it failed. */
    void tls(String outcome) {
        this.tls = outcome;
    }

    /** A new TLS session was negotiated with {@code protocol} (for the metrics). */
    void negotiated(String protocol) {
        this.tlsProtocol = protocol;
        this.tls = protocol;
    }

    /** The protocol of a TLS session this delivery negotiated (not one reused), empty when none. */
    public Optional<String> negotiatedProtocol() {
        return Optional.ofNullable(tlsProtocol);
    }

    /** The exchangers in order, e.g. {@code 10 mx.far.test [192.0.2.25, 2001:db8::25]}. */
    public List<String> exchangers() {
        List<String> out = new ArrayList<>(exchangers.size());
        for (Target target : exchangers) {
            List<String> addresses = new ArrayList<>();
            for (InetAddress address : target.addresses()) {
                addresses.add(AddressLiteral.format(address));
            }
            out.add(target.preference() + " " + target.host() + " " + addresses);
        }
        return out;
    }

    /** The exchangers as records: preference, host and addresses. */
    public List<Target> targets() {
        return exchangers;
    }

    /** The host tried last, e.g. {@code mx.far.test[192.0.2.25]}; empty when none was reached. */
    public String host() {
        return host;
    }

    /** The TLS outcome with the host tried last; empty when none was tried. */
    public String tls() {
        return tls;
    }

    /** The TLS policy of the host tried last: its level, and where MTA-STS or DANE decided, their say. */
    public String policy() {
        StringBuilder out = new StringBuilder();
        if (hostTls != null) {
            out.append("level ").append(hostTls.policy().tls().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        switch (requirement) {
            case DomainTls.Requirement.Level level -> out.append(" (").append(level.origin()).append(')');
            case DomainTls.Requirement.Sts sts -> out.append("; mta-sts ")
                    .append(sts.policy().mode().name().toLowerCase(Locale.ROOT));
            case DomainTls.Requirement.Dane dane -> out.append("; dane (").append(dane.origin()).append(')');
            case null -> { }
        }
        if (hostTls != null && hostTls.dane().isPresent()) {
            out.append("; dane verdict ").append(switch (hostTls.dane().get()) {
                case DaneVerdict.Authenticate authenticate -> "authenticate";
                case DaneVerdict.EncryptOnly encrypt -> "encrypt-only";
                case DaneVerdict.NotApplicable none -> "not applicable";
                case DaneVerdict.HostUnusable unusable -> "unusable";
            });
        }
        return out.toString().strip();
    }

    /** The dialogue with the host tried last, {@code C: } and {@code S: } lines, at most {@link #LINES}. */
    public List<String> transcript() {
        List<String> out = new ArrayList<>(lines.size());
        for (Object line : lines) {
            String text = line instanceof Reply reply ? "S: " + reply : "C: " + line;
            out.add(text.length() > LINE_LENGTH ? text.substring(0, LINE_LENGTH) + "..." : text);
        }
        return out;
    }

    @Override
    public void sent(String command) {
        add(command);
    }

    @Override
    public void received(Reply reply) {
        add(reply);
    }

    private void add(Object line) {
        if (lines.size() == LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }
}
