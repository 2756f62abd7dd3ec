package dev.posthorn.junit;

import dev.posthorn.smtp.LogText;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.SessionInfo;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * One message the server accepted: the SMTP envelope as the server saw it, and the message itself, kept in a file and
 * parsed by Jakarta Mail when first asked. The parsed message reads its parts from the file ({@link
 * SharedFileInputStream}), so a large message is not held in the heap. Valid until the server stops or is
 * {@linkplain SmtpCapture#reset() reset}, when the file is deleted.
 *
 * <p>The raw bytes begin with the {@code Received} header field the server added (RFC 5321 4.4).
 */
public final class CapturedMail {

    /** Parsing needs a session for its defaults only; nothing is sent or fetched through it. */
    private static final Session PARSING = Session.getInstance(new Properties());

    private final int number;
    private final Envelope envelope;
    private final Path file;
    private final long size;
    /** Guarded by this object, as is {@link #source}. */
    private MimeMessage parsed;
    private SharedFileInputStream source;

    CapturedMail(int number, Envelope envelope, Path file, long size) {
        this.number = number;
        this.envelope = envelope;
        this.file = file;
        this.size = size;
    }

    /** 1 for the first message the server captured since it started or was reset, 2 for the next, and so on. */
    public int number() {
        return number;
    }

    /** The envelope and session facts as the server recorded them. */
    public Envelope envelope() {
        return envelope;
    }

    /** MAIL FROM's address, or the empty string for the null reverse path {@code <>}. */
    public String envelopeSender() {
        return envelope.sender().asMailbox().map(Object::toString).orElse("");
    }

    /** The accepted RCPT TO addresses, in order (Bcc recipients included: they are only in the envelope). */
    public List<String> envelopeRecipients() {
        return envelope.recipients().stream().map(r -> r.path().mailbox() == null
                ? "postmaster" : r.path().mailbox().toString()).toList();
    }

    /** The client's address. */
    public InetSocketAddress client() {
        return envelope.session().remote();
    }

    /** The name the client gave in EHLO or HELO. */
    public String heloName() {
        return envelope.session().heloName();
    }

    /** Whether the message came over TLS (STARTTLS or implicit). */
    public boolean tls() {
        return envelope.session().isTls();
    }

    /** The TLS protocol and cipher suite, if the message came over TLS. */
    public Optional<SessionInfo.TlsInfo> tlsInfo() {
        return Optional.ofNullable(envelope.session().tls());
    }

    /** The identity AUTH established, if the client authenticated. */
    public Optional<String> authenticatedUser() {
        return Optional.ofNullable(envelope.session().authenticatedUser());
    }

    /** The message parsed by Jakarta Mail; its content is read from the file when asked for. */
    public synchronized MimeMessage mimeMessage() {
        if (parsed == null) {
            try {
                source = new SharedFileInputStream(file.toFile());
                parsed = new MimeMessage(PARSING, source);
            } catch (IOException e) {
                throw new UncheckedIOException("message " + number + " cannot be read", e);
            } catch (MessagingException e) {
                throw unparsable(e);
            }
        }
        return parsed;
    }

    /** The Subject, RFC 2047 encoded words decoded; empty when there is none. */
    public String subject() {
        return read(m -> Optional.ofNullable(m.getSubject()).orElse(""));
    }

    /** The addresses in From (without display names). */
    public List<String> from() {
        return addresses("From");
    }

    /** The addresses in To. */
    public List<String> to() {
        return addresses("To");
    }

    /** The addresses in Cc. */
    public List<String> cc() {
        return addresses("Cc");
    }

    /** The first field of that name, unfolded, encoded words left as they are; empty when there is none. */
    public Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    /** Every field of that name, in order, unfolded. */
    public List<String> headers(String name) {
        return read(m -> {
            String[] values = m.getHeader(name);
            return values == null ? List.<String>of()
                    : Arrays.stream(values).map(v -> v.replaceAll("\r?\n(?=[ \t])", "")).toList();
        });
    }

    /** The first text/plain part that is not an attachment, decoded; empty when there is none. */
    public Optional<String> text() {
        return body("text/plain");
    }

    /** The first text/html part that is not an attachment, decoded; empty when there is none. */
    public Optional<String> html() {
        return body("text/html");
    }

    /** The attachments: parts with a disposition of attachment or a file name, in order. */
    public List<Attachment> attachments() {
        return read(m -> {
            List<Attachment> found = new ArrayList<>();
            walk(m, part -> {
                if (isAttachment(part)) {
                    String name = part.getFileName();
                    found.add(new Attachment(name == null ? "" : name, Attachment.baseType(part.getContentType()),
                            part));
                }
            });
            return List.copyOf(found);
        });
    }

    /** The message as received, Received header first. Reads the whole file: see {@link #rawStream()}. */
    public byte[] rawBytes() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("message " + number + " cannot be read", e);
        }
    }

    /** The message as received, streamed from its file; the caller closes it. */
    public InputStream rawStream() {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("message " + number + " cannot be read", e);
        }
    }

    /** The size in octets as received, Received header included. */
    public long size() {
        return size;
    }

    /** Closes the parsed message's file and deletes the file. */
    synchronized void delete() throws IOException {
        if (source != null) {
            source.close();
            source = null;
        }
        Files.deleteIfExists(file);
    }

    private Optional<String> body(String type) {
        return read(m -> {
            List<String> found = new ArrayList<>();
            walk(m, part -> {
                if (found.isEmpty() && part.isMimeType(type) && !isAttachment(part)) {
                    found.add(String.valueOf(part.getContent()));
                }
            });
            return found.stream().findFirst();
        });
    }

    private List<String> addresses(String field) {
        return read(m -> {
            String value = m.getHeader(field, ",");
            if (value == null) {
                return List.<String>of();
            }
            Address[] parsedAddresses = InternetAddress.parseHeader(value, false);
            return Arrays.stream(parsedAddresses)
                    .map(a -> a instanceof InternetAddress internet ? internet.getAddress() : a.toString())
                    .toList();
        });
    }

    private static boolean isAttachment(Part part) throws MessagingException {
        return Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
    }

    /** Calls {@code visitor} on every leaf part, depth first, in order (RFC 2046 5.1). */
    private static void walk(Part part, PartVisitor visitor) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                walk(multipart.getBodyPart(i), visitor);
            }
        } else {
            visitor.visit(part);
        }
    }

    @FunctionalInterface
    private interface PartVisitor {
        void visit(Part part) throws MessagingException, IOException;
    }

    @FunctionalInterface
    private interface Reading<T> {
        T read(MimeMessage message) throws MessagingException, IOException;
    }

    private <T> T read(Reading<T> reading) {
        MimeMessage message = mimeMessage();
        try {
            synchronized (this) { // one reader at a time on the shared file
                return reading.read(message);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("message " + number + " cannot be read", e);
        } catch (MessagingException e) {
            throw unparsable(e);
        }
    }

    private IllegalStateException unparsable(MessagingException e) {
        return new IllegalStateException("message " + number + " cannot be parsed: " + e.getMessage(), e);
    }

    /** One line for failure messages: number, envelope, Subject. */
    @Override
    public String toString() {
        String subject;
        try {
            subject = subject();
        } catch (RuntimeException e) {
            subject = "(unparsable: " + e.getMessage() + ")";
        }
        return "#" + number + " from <" + envelopeSender() + "> to " + envelopeRecipients() + ", Subject: \""
                + LogText.escape(subject) + "\"";
    }
}
