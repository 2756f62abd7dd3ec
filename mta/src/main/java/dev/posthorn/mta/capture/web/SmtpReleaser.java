package dev.posthorn.mta.capture.web;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.dns.MxAnswer;
import dev.posthorn.mta.dns.MxResolver;
import dev.posthorn.mta.dns.Target;
import dev.posthorn.mta.routing.HostPort;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.client.SendOptions;
import dev.posthorn.smtp.client.SendResult;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.SmtpReplyException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Releases through smtp-client's one-call send (STARTTLS when offered, RFC 3207, any certificate: a development
 * tool's release is not a secure channel): to the given host and port, or to each recipient domain's MX hosts in
 * order (RFC 5321 5.1) on port 25, as the daemon's delivery finds them.
 */
public final class SmtpReleaser implements Releaser {

    /** RFC 5321 4.5.3.2: the standard SMTP port, where MX hosts listen. */
    private static final int SMTP_PORT = 25;

    private final MxResolver mx;
    private final int mxPort;
    private final SendOptions options;

    /**
     * @param mx      finds the exchangers when no host is given
     * @param mxPort  the port to use on an exchanger (25; tests give another)
     * @param options TLS, EHLO name and deadlines of each send
     */
    public SmtpReleaser(MxResolver mx, int mxPort, SendOptions options) {
        this.mx = Objects.requireNonNull(mx, "mx");
        this.mxPort = mxPort;
        this.options = Objects.requireNonNull(options, "options");
    }

    /** With the system's resolvers (resolv.conf), port 25 and opportunistic STARTTLS. */
    public static SmtpReleaser withSystemDns() {
        return new SmtpReleaser(new MxResolver(DnsClient.plain(List.of(), Duration.ofSeconds(10))), SMTP_PORT,
                SendOptions.opportunistic());
    }

    @Override
    public SendResult release(Path message, String from, List<String> recipients, HostPort host) throws IOException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        if (host != null) {
            return SmtpClient.send(host.host(), host.port(), from, recipients, message, options);
        }
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : recipients) {
            String domain = recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            byDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add(recipient);
        }
        List<SendResult> results = new ArrayList<>();
        Map<String, Reply> refused = new LinkedHashMap<>();
        IOException last = null;
        for (Map.Entry<String, List<String>> domain : byDomain.entrySet()) {
            try {
                results.add(toDomain(message, from, domain.getKey(), domain.getValue()));
            } catch (IOException e) {
                last = e;
                Reply why = e instanceof SmtpReplyException refusal ? refusal.reply()
                        : Reply.of(451, "4.4.1", "no mail exchanger of the domain took the message");
                domain.getValue().forEach(r -> refused.put(r, why));
            }
        }
        if (results.isEmpty()) {
            throw last;
        }
        return combined(results, refused);
    }

    /** The domain's exchangers in order, each address in turn, until one answers; a refusal ends the attempt. */
    private SendResult toDomain(Path message, String from, String domain, List<String> recipients) throws IOException {
        List<Target> targets = switch (mx.resolve(domain)) {
            case MxAnswer.Targets found -> found.targets();
            case MxAnswer.NullMx none -> throw new IOException(domain + " accepts no mail (null MX, RFC 7505)");
            case MxAnswer.NoSuchDomain none -> throw new IOException("no such domain: " + domain);
            case MxAnswer.Unroutable why -> throw new IOException(why.reason());
            case MxAnswer.TemporaryFailure why -> throw new IOException(why.reason());
        };
        IOException last = new IOException("no address to connect to for " + domain);
        for (Target target : targets) {
            for (InetAddress address : target.addresses()) {
                try {
                    return SmtpClient.send(address.getHostAddress(), mxPort, from, recipients, message, options);
                } catch (SmtpReplyException refusal) {
                    throw refusal;
                } catch (IOException unreachable) {
                    last = unreachable;
                }
            }
        }
        throw last;
    }

    private static SendResult combined(List<SendResult> results, Map<String, Reply> refused) {
        List<String> accepted = new ArrayList<>();
        Map<String, Reply> allRefused = new LinkedHashMap<>(refused);
        boolean tls = true;
        for (SendResult result : results) {
            accepted.addAll(result.accepted());
            allRefused.putAll(result.refused());
            tls &= result.tls();
        }
        return new SendResult(results.getLast().reply(), accepted, allRefused, tls);
    }
}
