package dev.posthorn.mta.capture;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the index keeps of a message's content: the header fields the list shows (decoded, RFC 2047) and the body
 * text searched, at most {@link #MAX_SEARCH_CHARS} characters of it.
 *
 * @param from           the From field, decoded, or {@code ""}
 * @param to             the addresses of the To and Cc fields, decoded
 * @param subject        the Subject field, decoded, or {@code ""}
 * @param date           the Date field, or {@code null}
 * @param hasAttachments whether a part is an attachment
 * @param text           the searchable body text: the text part, then the HTML part without its markup
 */
record MessageFacts(String from, List<String> to, String subject, Instant date, boolean hasAttachments,
                    String text) {

    /** Enough to find a message by its words; the index stays small with thousands of messages. */
    static final int MAX_SEARCH_CHARS = 64 * 1024;

    static final MessageFacts EMPTY = new MessageFacts("", List.of(), "", null, false, "");

    private static final Pattern SCRIPT = Pattern.compile("(?is)<(script|style)\\b.*?</\\1\\s*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

    MessageFacts {
        to = List.copyOf(to);
    }

    /** Reads the facts from the stored message; a message Angus Mail cannot parse gives {@link #EMPTY}. */
    static MessageFacts read(Path file) {
        try (MimeTree tree = MimeTree.open(file)) {
            var message = tree.message();
            String from = addresses(message.getHeader("From", ", ")).stream().reduce((a, b) -> a + ", " + b)
                    .orElse("");
            List<String> to = new ArrayList<>(addresses(message.getHeader("To", ", ")));
            to.addAll(addresses(message.getHeader("Cc", ", ")));
            String subject = message.getHeader("Subject", null);
            Date date = sentDate(message);
            return new MessageFacts(from, to, subject == null ? "" : MimeTree.decodeHeader(subject),
                    date == null ? null : date.toInstant(), !tree.attachments().isEmpty(), searchText(tree));
        } catch (IOException | MessagingException | RuntimeException e) {
            return EMPTY;
        }
    }

    private static Date sentDate(jakarta.mail.internet.MimeMessage message) {
        try {
            return message.getSentDate();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Each address of a field as people read it ({@code Zoë <zoe@example.com>}: the name decoded, not quoted); the
     * decoded field if it does not parse.
     */
    private static List<String> addresses(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        try {
            List<String> result = new ArrayList<>();
            for (InternetAddress address : InternetAddress.parseHeader(header, false)) {
                String personal = address.getPersonal();
                result.add(personal == null || personal.isBlank() ? address.getAddress()
                        : personal + " <" + address.getAddress() + ">");
            }
            return result;
        } catch (AddressException e) {
            return List.of(MimeTree.decodeHeader(header));
        }
    }

    private static String searchText(MimeTree tree) throws IOException {
        StringBuilder text = new StringBuilder();
        if (tree.text() != null) {
            text.append(MimeTree.readText(tree.text(), MAX_SEARCH_CHARS));
        }
        if (tree.html() != null && text.length() < MAX_SEARCH_CHARS) {
            String html = MimeTree.readText(tree.html(), MAX_SEARCH_CHARS);
            text.append('\n').append(TAG.matcher(SCRIPT.matcher(html).replaceAll(" ")).replaceAll(" "));
        }
        return text.length() > MAX_SEARCH_CHARS ? text.substring(0, MAX_SEARCH_CHARS) : text.toString();
    }
}
