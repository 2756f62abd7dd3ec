package dev.posthorn.mta.capture.web;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.posthorn.mta.admin.Json;
import dev.posthorn.mta.capture.CapturedMessage;
import dev.posthorn.mta.capture.MessageView;
import java.io.IOException;

/** Captured messages as the API's JSON: every value through Jackson's generator, which escapes it. */
final class MessageJson {

    private MessageJson() {
    }

    /** The list entry (also the data of an {@code added} event). */
    static String summary(CapturedMessage message) {
        return Json.object(json -> summaryFields(json, message));
    }

    static void summaryFields(JsonGenerator json, CapturedMessage message) throws IOException {
        json.writeStringField("id", message.id());
        json.writeObjectFieldStart("envelope");
        json.writeStringField("from", message.envelopeFrom());
        Json.strings(json, "to", message.recipients());
        json.writeEndObject();
        json.writeStringField("from", message.from());
        Json.strings(json, "to", message.to());
        json.writeStringField("subject", message.subject());
        if (message.date() == null) {
            json.writeNullField("date");
        } else {
            json.writeStringField("date", message.date().toString());
        }
        json.writeNumberField("size", message.size());
        json.writeStringField("received_at", message.receivedAt().toString());
        json.writeBooleanField("has_attachments", message.hasAttachments());
    }

    /** One message: the summary, how it arrived, and what it holds. */
    static String detail(CapturedMessage message, MessageView view) {
        return Json.object(json -> {
            summaryFields(json, message);
            json.writeObjectFieldStart("client");
            json.writeStringField("address", message.client());
            json.writeStringField("helo", message.helo());
            json.writeStringField("tls", message.tls());
            json.writeStringField("user", message.user());
            json.writeEndObject();
            json.writeBooleanField("has_text", view.text() != null);
            json.writeBooleanField("has_html", view.html() != null);
            attachments(json, view);
        });
    }

    private static void attachments(JsonGenerator json, MessageView view) throws IOException {
        json.writeArrayFieldStart("attachments");
        for (MessageView.Attachment attachment : view.attachments()) {
            json.writeStartObject();
            json.writeNumberField("index", attachment.index());
            json.writeStringField("filename", attachment.filename());
            json.writeStringField("content_type", attachment.contentType());
            json.writeStringField("content_id", attachment.contentId());
            json.writeNumberField("size", attachment.size());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    static String headers(MessageView view) {
        return Json.object(json -> {
            json.writeArrayFieldStart("headers");
            for (MessageView.Header header : view.headers()) {
                json.writeStartObject();
                json.writeStringField("name", header.name());
                json.writeStringField("value", header.value());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }
}
