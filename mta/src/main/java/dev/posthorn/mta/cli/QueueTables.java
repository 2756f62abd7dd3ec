package dev.posthorn.mta.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The queue commands' tables for people: columns aligned like mailq's, from the admin API's documents. */
final class QueueTables {

    private QueueTables() {
    }

    /** {@code queue list}: id, size, arrival, state, sender; each recipient below with its state and last reply. */
    static void list(Map<String, Object> document, PrintWriter out) {
        List<Map<String, Object>> messages = JsonTree.objects(document, "messages");
        if (messages.isEmpty()) {
            out.println("no queued messages" + (Boolean.TRUE.equals(document.get("filtered")) ? " match" : ""));
            out.flush();
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "SIZE", "ARRIVAL", "STATE", "SENDER/RECIPIENTS"});
        for (Map<String, Object> m : messages) {
            String sender = JsonTree.text(m, "sender");
            String state = JsonTree.text(m, "state") + (m.containsKey("node") ? " on " + JsonTree.text(m, "node") : "");
            rows.add(new String[] {JsonTree.text(m, "id"), JsonTree.text(m, "size"), arrival(m), state,
                sender.isEmpty() ? "<>" : sender});
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        String indent = " ".repeat(width[0] + width[1] + width[2] + width[3] + 8);
        int r = 0;
        for (String[] row : rows) {
            out.println(String.format("%-" + width[0] + "s  %" + width[1] + "s  %-" + width[2] + "s  %-" + width[3]
                    + "s  %s", (Object[]) row).stripTrailing());
            if (r > 0) {
                for (Map<String, Object> rcpt : JsonTree.objects(messages.get(r - 1), "recipients")) {
                    out.println(indent + recipient(rcpt));
                }
            }
            r++;
        }
        boolean limited = Boolean.TRUE.equals(document.get("limited"));
        out.println("-- " + messages.size() + " message" + (messages.size() == 1 ? "" : "s")
                + (limited ? " (limit reached; more may be queued)" : ""));
        out.flush();
    }

    /** One recipient: its address, its status, and the last reply when it is not delivered yet. */
    private static String recipient(Map<String, Object> rcpt) {
        String status = JsonTree.text(rcpt, "status");
        String diagnostic = JsonTree.text(rcpt, "diagnostic");
        return JsonTree.text(rcpt, "address") + " (" + status
                + (diagnostic.isEmpty() ? "" : ": " + diagnostic) + ")";
    }

    /** The arrival time without fractions of a second: {@code 2026-12-06 21:00:01Z}. */
    private static String arrival(Map<String, Object> m) {
        String text = JsonTree.text(m, "arrival");
        int dot = text.indexOf('.');
        return (dot > 0 ? text.substring(0, dot) + "Z" : text).replace('T', ' ');
    }

    /** {@code queue show}: the envelope, each recipient, attempts and next retry. */
    static void show(Map<String, Object> m, PrintWriter out) {
        String sender = JsonTree.text(m, "sender");
        field(out, "id", JsonTree.text(m, "id"));
        field(out, "state", JsonTree.text(m, "state"));
        if (m.containsKey("node")) {
            field(out, "node", JsonTree.text(m, "node"));
        }
        field(out, "sender", sender.isEmpty() ? "<>" : sender);
        field(out, "arrival", arrival(m));
        field(out, "size", JsonTree.text(m, "size") + " octets");
        field(out, "attempts", JsonTree.text(m, "attempts"));
        if (m.containsKey("next_retry")) {
            field(out, "next retry", JsonTree.text(m, "next_retry"));
        }
        out.println("recipients:");
        for (Map<String, Object> rcpt : JsonTree.objects(m, "recipients")) {
            out.println("  " + recipient(rcpt));
        }
        out.flush();
    }

    /** {@code explain}: the message, then each attempt with each recipient's tries, then the next retry. */
    static void explain(Map<String, Object> m, PrintWriter out) {
        String sender = JsonTree.text(m, "sender");
        out.println("message " + JsonTree.text(m, "id") + " from <" + sender + ">, arrived " + arrival(m) + ", "
                + JsonTree.text(m, "state") + ", " + JsonTree.text(m, "attempts") + " attempt(s)");
        List<Map<String, Object>> history = JsonTree.objects(m, "history");
        if (history.isEmpty()) {
            out.println("no attempt recorded yet");
        }
        for (Map<String, Object> attempt : history) {
            out.println();
            out.println("attempt " + JsonTree.text(attempt, "attempt") + " at " + JsonTree.text(attempt, "time"));
            for (Map<String, Object> rcpt : JsonTree.objects(attempt, "recipients")) {
                out.println("  " + JsonTree.text(rcpt, "recipient") + ": " + JsonTree.text(rcpt, "status"));
                for (Map<String, Object> tried : JsonTree.objects(rcpt, "tries")) {
                    tried(tried, out);
                }
            }
            out.println("  next retry " + JsonTree.text(attempt, "next_retry"));
        }
        out.println();
        for (Map<String, Object> rcpt : JsonTree.objects(m, "recipients")) {
            out.println(recipient(rcpt));
        }
        if (Boolean.TRUE.equals(m.get("held"))) {
            out.println("held: no attempt until released");
        } else if (m.containsKey("next_retry")) {
            out.println("next retry: " + JsonTree.text(m, "next_retry"));
        }
        out.flush();
    }

    private static void tried(Map<String, Object> tried, PrintWriter out) {
        String pad = "    ";
        out.println(pad + "via " + JsonTree.text(tried, "transport") + " (" + JsonTree.text(tried, "route") + ")");
        for (Map<String, Object> mx : JsonTree.objects(tried, "mx")) {
            out.println(pad + "  MX " + JsonTree.text(mx, "preference") + " " + JsonTree.text(mx, "host") + " "
                    + String.join(", ", JsonTree.texts(mx, "addresses")));
        }
        if (!JsonTree.text(tried, "host").isEmpty()) {
            out.println(pad + "  host tried: " + JsonTree.text(tried, "host"));
        }
        if (tried.containsKey("tls")) {
            String tls = JsonTree.text(tried, "tls");
            out.println(pad + "  TLS: " + (tls.isEmpty() ? "not reached" : tls) + "; policy: "
                    + JsonTree.text(tried, "tls_policy"));
        }
        List<String> transcript = JsonTree.texts(tried, "transcript");
        if (!transcript.isEmpty()) {
            out.println(pad + "  transcript:");
            for (String line : transcript) {
                out.println(pad + "    " + line);
            }
        }
        out.println(pad + "  " + JsonTree.text(tried, "outcome") + ": " + JsonTree.text(tried, "diagnostic"));
    }

    private static void field(PrintWriter out, String name, String value) {
        out.println(String.format("%-11s %s", name + ":", value));
    }
}
