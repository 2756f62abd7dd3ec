package dev.posthorn.mta.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link CaptureQuery} as an SQL condition on {@code messages m}, with every value a bound parameter. Text is
 * matched with {@code LIKE ... ESCAPE '\'} against columns kept in lower case, the search term lower-cased the same
 * way and its {@code %}, {@code _} and {@code \} escaped, so a term matches itself and nothing more.
 *
 * @param sql        the condition, {@code 1=1} for "any"
 * @param parameters its parameters in order
 */
record QueryFilter(String sql, List<Object> parameters) {

    QueryFilter {
        parameters = List.copyOf(parameters);
    }

    static QueryFilter of(CaptureQuery query) {
        List<String> terms = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        terms.add("1=1");
        if (query.mailbox() != null) {
            terms.add("EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND r.mailbox = ?)");
            parameters.add(lower(query.mailbox()));
        }
        if (query.from() != null) {
            terms.add("m.search_from LIKE ? ESCAPE '\\'");
            parameters.add(contains(query.from()));
        }
        if (query.to() != null) {
            terms.add("(EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND r.mailbox LIKE ? ESCAPE '\\')"
                    + " OR EXISTS (SELECT 1 FROM header_addresses h WHERE h.message_id = m.id"
                    + " AND h.search LIKE ? ESCAPE '\\'))");
            parameters.add(contains(query.to()));
            parameters.add(contains(query.to()));
        }
        if (query.subject() != null) {
            terms.add("m.search_subject LIKE ? ESCAPE '\\'");
            parameters.add(contains(query.subject()));
        }
        if (query.text() != null) {
            terms.add("(m.search_subject LIKE ? ESCAPE '\\' OR m.search_text LIKE ? ESCAPE '\\')");
            parameters.add(contains(query.text()));
            parameters.add(contains(query.text()));
        }
        if (query.after() != null) {
            terms.add("m.received_at >= ?");
            parameters.add(nanos(query.after()));
        }
        if (query.before() != null) {
            terms.add("m.received_at < ?");
            parameters.add(nanos(query.before()));
        }
        if (query.hasAttachment() != null) {
            terms.add("m.has_attachments = ?");
            parameters.add(query.hasAttachment() ? 1 : 0);
        }
        if (query.minSize() != null) {
            terms.add("m.size >= ?");
            parameters.add(query.minSize());
        }
        if (query.maxSize() != null) {
            terms.add("m.size <= ?");
            parameters.add(query.maxSize());
        }
        return new QueryFilter(String.join(" AND ", terms), parameters);
    }

    /** Mailboxes and search columns compare in lower case: domains are case-insensitive, and so are the searches. */
    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** Nanoseconds since the epoch: exact for any instant until 2262, and ordered like the instants. */
    static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static String contains(String term) {
        StringBuilder pattern = new StringBuilder("%");
        for (char c : lower(term).toCharArray()) {
            if (c == '%' || c == '_' || c == '\\') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('%').toString();
    }
}
