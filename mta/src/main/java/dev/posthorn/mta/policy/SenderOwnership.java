package dev.posthorn.mta.policy;

import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which envelope senders an authenticated user may use (RFC 6409 6.1 leaves this to the submission server's
 * policy): an address whose local part is the user's name in one of this server's local domains, or the user name
 * itself when it is a whole address. The null reverse path is refused: users do not send bounces.
 */
public final class SenderOwnership {

    private final Predicate<String> localDomain;

    public SenderOwnership(Predicate<String> localDomain) {
        this.localDomain = localDomain;
    }

    public boolean mayUse(String user, ReversePath sender) {
        if (sender.isNull()) {
            return false;
        }
        Mailbox mailbox = sender.mailbox();
        String address = mailbox.toString().toLowerCase(Locale.ROOT);
        String name = user.toLowerCase(Locale.ROOT);
        if (name.indexOf('@') > 0) {
            return address.equals(name);
        }
        String local = mailbox.unquotedLocalPart().toLowerCase(Locale.ROOT);
        int plus = local.indexOf('+');
        String base = plus > 0 ? local.substring(0, plus) : local;
        return base.equals(name) && mailbox.domain() != null && localDomain.test(mailbox.domain().canonical());
    }
}
