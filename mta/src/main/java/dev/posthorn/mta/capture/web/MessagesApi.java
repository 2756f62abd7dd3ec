package dev.posthorn.mta.capture.web;

import dev.posthorn.mta.admin.Json;
import dev.posthorn.mta.capture.CaptureQuery;
import dev.posthorn.mta.capture.CaptureStore;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.mta.capture.MessageView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The message routes: list and search, one message in its forms (summary, headers, text, HTML, raw, attachments),
 * delete, mailboxes. Ids that are not the server's ids ({@link #ID}) are answered 404 without reaching the store.
 */
final class MessagesApi {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** The server's transaction ids: letters, digits, dot, dash, underscore. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** A {@code cid:} URL (RFC 2392) in an attribute or a CSS url(): up to a quote, space, bracket or angle. */
    private static final Pattern CID = Pattern.compile("cid:([^\"'\\s()<>]{1,200})", Pattern.CASE_INSENSITIVE);

    /**
     * The HTML body: nothing runs (sandbox without scripts), nothing loads from elsewhere; images only inline
     * ({@code data:}) or from this server (the message's own attachments, to which {@code cid:} links are rewritten);
     * framed only by the page.
     */
    static final String HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:;"
            + " frame-ancestors 'self'; sandbox";
    /** The same after the user asked for remote content: images, styles and fonts over https, still no scripts. */
    static final String HTML_CSP_REMOTE = "default-src 'none'; style-src 'unsafe-inline' https:;"
            + " img-src 'self' data: https:; font-src https:; frame-ancestors 'self'; sandbox";
    /** A download: never run or rendered as this origin's page. */
    private static final String DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

    /** The list's query parameters: the search and the page. */
    private static final Set<String> SEARCH = Set.of("mailbox", "from", "to", "subject", "text", "after", "before",
            "has_attachment", "min_size", "max_size", "offset", "limit");
    /**
     * Elements of a message's HTML that act without scripts: {@code <meta http-equiv=refresh>} navigates the frame
     * (sandboxing does not stop it), {@code <base>} re-points every relative link. Renamed at the tag name, the one
     * spot the HTML tokenizer (WHATWG 13.2.5.8) reads without regard to attributes and quotes, they become unknown
     * elements that do nothing.
     */
    private static final Pattern ACTIVE = Pattern.compile("<(meta|base)(?=[\\s/>]|$)", Pattern.CASE_INSENSITIVE);

    private static final WebAnswer NO_MESSAGE = WebAnswer.error(404, "no such message");

    private final CaptureStore store;

    MessagesApi(CaptureStore store) {
        this.store = store;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/api/v1/messages", SEARCH, this::list),
                new Route("DELETE", "/api/v1/messages", Set.of("mailbox"), this::deleteAll),
                new Route("GET", "/api/v1/mailboxes", this::mailboxes),
                new Route("GET", "/api/v1/messages/{id}", this::one),
                new Route("DELETE", "/api/v1/messages/{id}", this::delete),
                new Route("GET", "/api/v1/messages/{id}/raw", Set.of("limit"), this::raw),
                new Route("GET", "/api/v1/messages/{id}/headers", r -> withView(r, MessagesApi::headers)),
                new Route("GET", "/api/v1/messages/{id}/text", r -> withView(r, MessagesApi::text)),
                new Route("GET", "/api/v1/messages/{id}/html", Set.of("remote"),
                        r -> withView(r, (v, req) -> html(v, req))),
                new Route("GET", "/api/v1/messages/{id}/attachments/{n}", this::attachment));
    }

    private WebAnswer list(WebRequest request) {
        CaptureQuery query;
        int offset;
        int limit;
        try {
            query = query(request);
            offset = integer(request, "offset", 0, 0, Integer.MAX_VALUE);
            limit = integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        } catch (IllegalArgumentException e) {
            return WebAnswer.error(400, e.getMessage());
        }
        CaptureStore.Page page = store.list(query, offset, limit);
        return WebAnswer.ok(Json.object(json -> {
            json.writeNumberField("total", page.total());
            json.writeNumberField("offset", offset);
            json.writeNumberField("limit", limit);
            json.writeArrayFieldStart("messages");
            for (CapturedMessage message : page.messages()) {
                json.writeStartObject();
                MessageJson.summaryFields(json, message);
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
    }

    /** The search from the query parameters; a malformed value is an IllegalArgumentException naming it. */
    static CaptureQuery query(WebRequest request) {
        return new CaptureQuery(request.parameter("mailbox").orElse(null), request.parameter("from").orElse(null),
                request.parameter("to").orElse(null), request.parameter("subject").orElse(null),
                request.parameter("text").orElse(null), instant(request, "after"), instant(request, "before"),
                bool(request, "has_attachment"), size(request, "min_size"), size(request, "max_size"));
    }

    private static Instant instant(WebRequest request, String name) {
        Optional<String> value = request.parameter(name);
        try {
            return value.map(Instant::parse).orElse(null);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + ": an ISO-8601 instant expected (2026-01-31T12:00:00Z)", e);
        }
    }

    private static Boolean bool(WebRequest request, String name) {
        return request.parameter(name).map(value -> switch (value) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(name + ": true or false expected");
        }).orElse(null);
    }

    private static Long size(WebRequest request, String name) {
        return request.parameter(name).map(value -> (long) integerValue(name, value, 0, Integer.MAX_VALUE))
                .orElse(null);
    }

    private static int integer(WebRequest request, String name, int fallback, int min, int max) {
        return request.parameter(name).map(value -> integerValue(name, value, min, max)).orElse(fallback);
    }

    private static int integerValue(String name, String value, int min, int max) {
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException(name + ": an integer from " + min + " to " + max + " expected");
    }

    private WebAnswer deleteAll(WebRequest request) {
        int deleted = store.deleteAll(request.parameter("mailbox").orElse(null));
        return WebAnswer.ok(Json.object(json -> json.writeNumberField("deleted", deleted)));
    }

    private WebAnswer mailboxes(WebRequest request) {
        List<CaptureStore.Mailbox> mailboxes = store.mailboxes();
        return WebAnswer.ok(Json.object(json -> {
            json.writeArrayFieldStart("mailboxes");
            for (CaptureStore.Mailbox mailbox : mailboxes) {
                json.writeStartObject();
                json.writeStringField("address", mailbox.address());
                json.writeNumberField("messages", mailbox.messages());
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
    }

    private Optional<CapturedMessage> message(WebRequest request) {
        String id = request.parameters().getFirst();
        return ID.matcher(id).matches() ? store.get(id) : Optional.empty();
    }

    private WebAnswer one(WebRequest request) throws IOException {
        Optional<CapturedMessage> message = message(request);
        Optional<MessageView> view = message.isEmpty() ? Optional.empty() : store.view(message.get().id());
        return view.isEmpty() ? NO_MESSAGE : WebAnswer.ok(MessageJson.detail(message.get(), view.get()));
    }

    private WebAnswer delete(WebRequest request) {
        String id = request.parameters().getFirst();
        boolean deleted = ID.matcher(id).matches() && store.delete(id);
        return deleted ? WebAnswer.ok(Json.object(json -> json.writeNumberField("deleted", 1))) : NO_MESSAGE;
    }

    private WebAnswer raw(WebRequest request) throws IOException {
        long limit;
        try {
            limit = request.parameter("limit").map(value -> (long) integerValue("limit", value, 1, Integer.MAX_VALUE))
                    .orElse(Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            return WebAnswer.error(400, e.getMessage());
        }
        Optional<Path> file = message(request).flatMap(m -> store.file(m.id()));
        if (file.isEmpty()) {
            return NO_MESSAGE;
        }
        InputStream in;
        try {
            in = Files.newInputStream(file.get()); // opened now: a message deleted meanwhile is a 404, not a cut
        } catch (NoSuchFileException e) {
            return NO_MESSAGE;
        }
        return new WebAnswer.Streamed("message/rfc822", Map.of("Content-Disposition",
                "attachment; filename=\"" + request.parameters().getFirst() + ".eml\"",
                "Content-Security-Policy", DOWNLOAD_CSP), out -> {
                    try (in) {
                        copy(in, out, limit);
                    }
                });
    }

    /** The first {@code limit} octets of {@code in} (the page shows the start of a message, not all of it). */
    private static void copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = limit;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** What a view route does with the message's structure. */
    @FunctionalInterface
    private interface ViewAnswer {
        WebAnswer answer(MessageView view, WebRequest request);
    }

    private WebAnswer withView(WebRequest request, ViewAnswer answer) throws IOException {
        Optional<CapturedMessage> message = message(request);
        Optional<MessageView> view = message.isEmpty() ? Optional.empty() : store.view(message.get().id());
        return view.isEmpty() ? NO_MESSAGE : answer.answer(view.get(), request);
    }

    private static WebAnswer headers(MessageView view, WebRequest request) {
        return WebAnswer.ok(MessageJson.headers(view));
    }

    private static WebAnswer text(MessageView view, WebRequest request) {
        return view.text() == null ? WebAnswer.error(404, "the message has no text part")
                : new WebAnswer.Bytes(200, "text/plain; charset=utf-8", view.text().getBytes(StandardCharsets.UTF_8),
                        Map.of("Content-Security-Policy", DOWNLOAD_CSP));
    }

    private static WebAnswer html(MessageView view, WebRequest request) {
        if (view.html() == null) {
            return WebAnswer.error(404, "the message has no HTML part");
        }
        boolean remote = request.parameter("remote").filter("1"::equals).isPresent();
        String html = inert(inlineImages(view, request.parameters().getFirst()));
        return new WebAnswer.Bytes(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Security-Policy", remote ? HTML_CSP_REMOTE : HTML_CSP,
                        "X-DNS-Prefetch-Control", "off")); // <link rel=dns-prefetch> is outside the CSP's reach
    }

    /** The HTML with its {@link #ACTIVE} elements renamed: {@code <meta ...>} becomes {@code <x-inert-meta ...>}. */
    static String inert(String html) {
        return ACTIVE.matcher(html).replaceAll("<x-inert-$1");
    }

    /** Rewrites each {@code cid:} link to a part of this message (RFC 2392) to that attachment's URL. */
    static String inlineImages(MessageView view, String id) {
        Map<String, Integer> parts = new HashMap<>();
        for (MessageView.Attachment attachment : view.attachments()) {
            if (attachment.contentId() != null) {
                parts.put(attachment.contentId(), attachment.index());
            }
        }
        if (parts.isEmpty()) {
            return view.html();
        }
        Matcher cid = CID.matcher(view.html());
        return cid.replaceAll(match -> {
            Integer index = parts.get(match.group(1));
            if (index == null) {
                index = parts.get(percentDecoded(match.group(1)));
            }
            return Matcher.quoteReplacement(index == null ? match.group()
                    : "/api/v1/messages/" + id + "/attachments/" + index);
        });
    }

    /** RFC 2392 2: a cid URL is the Content-ID with some characters %-encoded. */
    private static String percentDecoded(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    private WebAnswer attachment(WebRequest request) throws IOException {
        Optional<CapturedMessage> message = message(request);
        Optional<Path> file = message.flatMap(m -> store.file(m.id()));
        Optional<MessageView> view = file.isEmpty() ? Optional.empty() : store.view(message.get().id());
        int index;
        try {
            index = Integer.parseInt(request.parameters().get(1));
        } catch (NumberFormatException e) {
            index = -1;
        }
        if (view.isEmpty() || index < 0 || index >= view.get().attachments().size()) {
            return WebAnswer.error(404, "no such attachment");
        }
        MessageView.Attachment part = view.get().attachments().get(index);
        int n = index;
        return new WebAnswer.Streamed(Downloads.contentType(part.contentType()), Map.of(
                "Content-Disposition", Downloads.disposition(part.filename(), n),
                "Content-Security-Policy", DOWNLOAD_CSP),
                out -> MessageView.writeAttachment(file.get(), n, out));
    }
}
