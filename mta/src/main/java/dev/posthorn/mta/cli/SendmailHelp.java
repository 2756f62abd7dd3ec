package dev.posthorn.mta.cli;

/** The text of {@code sendmail --help}. */
final class SendmailHelp {

    static final String TEXT = """
            Usage: sendmail [-t] [-i|-oi] [-f sender] [-F name] [-C FILE] [recipient...]
                   sendmail -bs [-C FILE]      an SMTP session on standard input and output
                   sendmail -bp [-C FILE]      the queue (also: mailq)
            Reads a message from standard input and queues it for the recipients, through the
            spool (no listener is needed, and the daemon need not be running: it picks the
            message up when asked, at its next scan of the spool, or at its next start).

              -t          also send to the addresses in To, Cc and Bcc (Bcc is removed)
              -i, -oi     a line with a single dot does not end the message
              -f SENDER   the envelope sender (default: your user name at the hostname)
              -F NAME     your full name, for a From field the message lacks
              -C FILE     the configuration file
              -bm         read the message from standard input (the default)
            Other -o options, -v, -N, -R, -V, -X, -B, -h, -L are accepted and ignored.

            Configuration: -C FILE, else $POSTHORN_CONFIG, else /etc/posthorn/posthorn.yaml,
            else ./posthorn.yaml, else the embedded defaults.
            Used now: %s

            Exit codes (sysexits.h): 0 queued; 64 usage (e.g. no recipient); 65 bad data
            (mixed or bare line ends, a line over 998 octets, a bad address, too large);
            67 no such local mailbox; 75 the spool cannot be written now; 78 bad configuration.
            """;

    private SendmailHelp() {
    }
}
