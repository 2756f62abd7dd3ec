package dev.posthorn.smtp;

import java.util.Objects;
import java.util.Optional;

/**
 * One SMTP command, parsed (RFC 5321 4.1.1 and the extensions). Each verb is a record; a session dispatches on them
 * with an exhaustive {@code switch}. Values are immutable and hold no CR or LF.
 */
public sealed interface Command {

    /** The verb as it is written on the wire. */
    String verb();

    /** HELO (RFC 5321 4.1.1.1). @param domain the client's claimed name, as sent */
    record Helo(String domain) implements Command {
        public Helo {
            Ascii.requireText(domain, "domain");
        }

        @Override
        public String verb() {
            return "HELO";
        }
    }

    /** EHLO (RFC 5321 4.1.1.1). @param domain the client's claimed name, as sent */
    record Ehlo(String domain) implements Command {
        public Ehlo {
            Ascii.requireText(domain, "domain");
        }

        @Override
        public String verb() {
            return "EHLO";
        }
    }

    /** MAIL FROM (RFC 5321 4.1.1.2). */
    record Mail(ReversePath from, MailParameters parameters) implements Command {
        public Mail {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(parameters, "parameters");
        }

        @Override
        public String verb() {
            return "MAIL";
        }
    }

    /** RCPT TO (RFC 5321 4.1.1.3). */
    record Rcpt(ForwardPath to, RcptParameters parameters) implements Command {
        public Rcpt {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(parameters, "parameters");
        }

        @Override
        public String verb() {
            return "RCPT";
        }
    }

    /** DATA (RFC 5321 4.1.1.4). */
    record Data() implements Command {
        @Override
        public String verb() {
            return "DATA";
        }
    }

    /** BDAT (RFC 3030 2). @param size the chunk size in octets @param last whether LAST was given */
    record Bdat(long size, boolean last) implements Command {
        public Bdat {
            if (size < 0) {
                throw new IllegalArgumentException("negative chunk size");
            }
        }

        @Override
        public String verb() {
            return "BDAT";
        }
    }

    /** RSET (RFC 5321 4.1.1.5). */
    record Rset() implements Command {
        @Override
        public String verb() {
            return "RSET";
        }
    }

    /** NOOP (RFC 5321 4.1.1.9); its argument is ignored. */
    record Noop() implements Command {
        @Override
        public String verb() {
            return "NOOP";
        }
    }

    /** QUIT (RFC 5321 4.1.1.10). */
    record Quit() implements Command {
        @Override
        public String verb() {
            return "QUIT";
        }
    }

    /** VRFY (RFC 5321 4.1.1.6). @param argument the string to verify */
    record Vrfy(String argument) implements Command {
        public Vrfy {
            Ascii.requireText(argument, "argument");
        }

        @Override
        public String verb() {
            return "VRFY";
        }
    }

    /** EXPN (RFC 5321 4.1.1.7). @param argument the list to expand */
    record Expn(String argument) implements Command {
        public Expn {
            Ascii.requireText(argument, "argument");
        }

        @Override
        public String verb() {
            return "EXPN";
        }
    }

    /** HELP (RFC 5321 4.1.1.8). @param topic the optional topic, or {@code null} */
    record Help(String topic) implements Command {
        public Help {
            if (topic != null) {
                Ascii.requireText(topic, "topic");
            }
        }

        public Optional<String> optionalTopic() {
            return Optional.ofNullable(topic);
        }

        @Override
        public String verb() {
            return "HELP";
        }
    }

    /** STARTTLS (RFC 3207). */
    record StartTls() implements Command {
        @Override
        public String verb() {
            return "STARTTLS";
        }
    }

    /**
     * AUTH (RFC 4954 4).
     *
     * @param mechanism       the SASL mechanism, upper-cased
     * @param initialResponse the base64 initial response as sent ({@code "="} for an empty one), or {@code null}
     */
    record Auth(String mechanism, String initialResponse) implements Command {
        public Auth {
            Ascii.requireText(mechanism, "mechanism");
            if (initialResponse != null) {
                Ascii.requireText(initialResponse, "initialResponse");
            }
        }

        @Override
        public String verb() {
            return "AUTH";
        }

        @Override
        public String toString() {
            // Never log credentials.
            return "Auth[mechanism=" + mechanism + (initialResponse == null ? "]" : ", initialResponse=***]");
        }
    }

    /**
     * ETRN (RFC 1985).
     *
     * @param node the node name as sent: {@code domain}, {@code @domain} (subdomains too) or {@code #queue}
     */
    record Etrn(String node) implements Command {
        public Etrn {
            Ascii.requireText(node, "node");
        }

        @Override
        public String verb() {
            return "ETRN";
        }
    }
}
