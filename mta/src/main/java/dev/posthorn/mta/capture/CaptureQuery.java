package dev.posthorn.mta.capture;

import java.time.Instant;

/**
 * A search over captured messages; every field {@code null} means "any". Text matches are case-insensitive
 * substrings.
 *
 * @param mailbox       only messages with this recipient (RCPT TO), compared case-insensitively
 * @param from          in the envelope sender or the From field
 * @param to            in a recipient or the To/Cc fields
 * @param subject       in the subject
 * @param text          in the subject or the body text (the text part, then the HTML part's text): the first 64 KiB
 *                      of text of each message ({@code MessageFacts.MAX_SEARCH_CHARS} characters) are indexed, so a
 *                      word further in is not found
 * @param after         received at or after
 * @param before        received before
 * @param hasAttachment with ({@code true}) or without ({@code false}) attachments
 * @param minSize       at least this many octets
 * @param maxSize       at most this many octets
 */
public record CaptureQuery(String mailbox, String from, String to, String subject, String text, Instant after,
                           Instant before, Boolean hasAttachment, Long minSize, Long maxSize) {

    public static final CaptureQuery ALL = new CaptureQuery(null, null, null, null, null, null, null, null, null, null);

    public static CaptureQuery mailbox(String address) {
        return new CaptureQuery(address, null, null, null, null, null, null, null, null, null);
    }
}
