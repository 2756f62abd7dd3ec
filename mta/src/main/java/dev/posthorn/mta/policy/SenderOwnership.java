package dev.posthorn.mta.policy;

import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which envelope senders an authenticated user may use (RFC 6409 6.1 leaves this to the submission server's
 * policy). A user with entries of their own may use exactly those: an address ({@code sales@example.org}, also as
 * {@code sales+tag@example.org}) or any address of a whole domain ({@code @example.net}). A user without entries may
 * use their name as the local part at any of this server's local domains (with or without a {@code +tag}), or the
 * user name itself when it is a whole address. The null reverse path is refused: users do not send bounces.
 * As a policy, it answers MAIL from an authenticated user with a sender not theirs with {@code 553 5.7.1}.
 */
public final class SenderOwnership implements SessionPolicy {

    static final Reply NOT_OWNED = Reply.of(553, "5.7.1", "Sender address not owned by the authenticated user");

    private final Predicate<String> localDomain;
    private final Map<String, List<String>> entries;

    /**
     * @param localDomain whether a (lower-case) domain is one of this server's
     * @param entries     per lower-case user name: lower-case {@code local@domain} or {@code @domain} entries
     */
    public SenderOwnership(Predicate<String> localDomain, Map<String, List<String>> entries) {
        this.localDomain = localDomain;
        this.entries = Map.copyOf(entries);
    }

    /** Only the default rule, for every user. */
    public SenderOwnership(Predicate<String> localDomain) {
        this(localDomain, Map.of());
    }

    @Override
    public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        return session.authenticatedUser() == null || mayUse(session.authenticatedUser(), from) ? Decision.accept()
                : Decision.reject(NOT_OWNED);
    }

    public boolean mayUse(String user, ReversePath sender) {
        if (sender.isNull()) {
            return false;
        }
        Mailbox mailbox = sender.mailbox();
        if (mailbox.domain() == null) {
            return false;
        }
        String domain = mailbox.domain().canonical().toLowerCase(Locale.ROOT);
        String base = withoutTag(mailbox.unquotedLocalPart().toLowerCase(Locale.ROOT));
        String name = user.toLowerCase(Locale.ROOT);
        String address = mailbox.toString().toLowerCase(Locale.ROOT);
        Optional<List<String>> own = Optional.ofNullable(entries.get(name));
        if (own.isPresent()) {
            List<String> allowed = own.get();
            return allowed.contains("@" + domain) || allowed.contains(address)
                    || allowed.contains(base + "@" + domain);
        }
        if (name.indexOf('@') > 0) {
            return address.equals(name);
        }
        return base.equals(name) && localDomain.test(domain);
    }

    /** RFC 5233 subaddressing: {@code user+tag} belongs to {@code user}. */
    private static String withoutTag(String local) {
        int plus = local.indexOf('+');
        return plus > 0 ? local.substring(0, plus) : local;
    }
}
