package dev.posthorn.mta.sendmail;

import dev.posthorn.mailauth.dmarc.AddressList;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The addresses of a local submission: recipients from the arguments (each an address list, {@code a, b} or
 * {@code Name <a>}, as Postfix reads them) and from the header with {@code -t}, the sender from {@code -f}. An
 * address without a domain gets the local one ({@code root} becomes {@code root@host}), as sendmail's callers
 * expect.
 */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /**
     * Each recipient once (case-insensitively), in the order given.
     *
     * @throws SubmissionException with {@link Sysexit#DATAERR} naming the first address that is not one
     */
    public static List<ForwardPath> recipients(List<String> arguments, List<String> fromHeader, String domain)
            throws SubmissionException {
        Map<String, ForwardPath> unique = new LinkedHashMap<>();
        for (String argument : arguments) {
            for (String address : AddressList.split(argument)) {
                add(unique, address, domain);
            }
        }
        for (String address : fromHeader) {
            add(unique, address, domain);
        }
        return List.copyOf(unique.values());
    }

    private static void add(Map<String, ForwardPath> unique, String address, String domain)
            throws SubmissionException {
        Mailbox mailbox = mailbox(address, domain, "recipient");
        unique.putIfAbsent(mailbox.toString().toLowerCase(Locale.ROOT), ForwardPath.of(mailbox));
    }

    /** The envelope sender from {@code -f}: {@code ""} and {@code <>} are the null sender (RFC 5321 4.5.5). */
    public static ReversePath sender(String given, String domain) throws SubmissionException {
        String bare = given.strip();
        if (bare.startsWith("<") && bare.endsWith(">")) {
            bare = bare.substring(1, bare.length() - 1).strip();
        }
        return bare.isEmpty() ? ReversePath.NULL : ReversePath.of(mailbox(bare, domain, "sender"));
    }

    /**
     * {@code address} as a mailbox, with {@code domain} when it has none.
     *
     * @throws SubmissionException with {@link Sysexit#DATAERR} when it is not an address
     */
    public static Mailbox mailbox(String address, String domain, String role) throws SubmissionException {
        String full = address.indexOf('@') < 0 ? address + "@" + domain : address;
        try {
            return Mailbox.parse(full, false); // ASCII: the envelope is not declared SMTPUTF8
        } catch (IllegalArgumentException e) {
            throw new SubmissionException(Sysexit.DATAERR, "invalid " + role + " address <"
                    + SubmissionException.printable(address) + ">: " + SubmissionException.printable(
                            String.valueOf(e.getMessage())));
        }
    }
}
