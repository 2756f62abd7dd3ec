package dev.posthorn.mta.capture;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.posthorn.smtp.AddressLiteral;
import dev.posthorn.smtp.DsnNotify;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Replies;
import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Envelope;
import dev.posthorn.smtp.server.MessageSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * Writes each message to {@code DIR/<id>.eml} and its envelope to {@code DIR/<id>.json}. Both are written under a
 * temporary name and renamed into place, envelope first, so a reader that sees the {@code .eml} file sees a complete
 * message with its envelope. A message that fails to arrive whole leaves nothing behind.
 */
public final class CaptureSink implements MessageSink {

    private static final JsonFactory JSON = new JsonFactory();

    private final Path dir;

    public CaptureSink(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    @Override
    public Reply receive(Envelope envelope, InputStream message) throws IOException {
        Path tmpMessage = dir.resolve("." + envelope.id() + ".eml.tmp");
        Path tmpEnvelope = dir.resolve("." + envelope.id() + ".json.tmp");
        try {
            long size;
            try (OutputStream out = Files.newOutputStream(tmpMessage)) {
                size = message.transferTo(out);
            }
            try (OutputStream out = Files.newOutputStream(tmpEnvelope)) {
                writeEnvelope(envelope, size, out);
            }
            Files.move(tmpEnvelope, dir.resolve(envelope.id() + ".json"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpMessage, dir.resolve(envelope.id() + ".eml"), StandardCopyOption.ATOMIC_MOVE);
            return Replies.queued(envelope.id());
        } finally {
            Files.deleteIfExists(tmpMessage);
            Files.deleteIfExists(tmpEnvelope);
        }
    }

    private static void writeEnvelope(Envelope envelope, long size, OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("id", envelope.id());
            json.writeStringField("from", envelope.sender().isNull() ? "" : envelope.sender().mailbox().toString());
            json.writeArrayFieldStart("recipients");
            for (Envelope.Recipient recipient : envelope.recipients()) {
                json.writeStartObject();
                json.writeStringField("address", recipient.path().isBarePostmaster()
                        ? "Postmaster" : recipient.path().mailbox().toString());
                json.writeArrayFieldStart("notify");
                for (DsnNotify notify : recipient.parameters().notifications().stream().sorted().toList()) {
                    json.writeString(notify.name());
                }
                json.writeEndArray();
                if (recipient.parameters().originalRecipient() != null) {
                    json.writeStringField("orcpt", recipient.parameters().originalRecipient().toParameter());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            writeParameters(json, envelope.parameters());
            json.writeObjectFieldStart("client");
            json.writeStringField("address", AddressLiteral.format(envelope.session().remote().getAddress()));
            json.writeNumberField("port", envelope.session().remote().getPort());
            json.writeStringField("helo", envelope.session().heloName());
            json.writeBooleanField("esmtp", envelope.session().extended());
            if (envelope.session().tls() != null) {
                json.writeStringField("tlsProtocol", envelope.session().tls().protocol());
                json.writeStringField("tlsCipher", envelope.session().tls().cipherSuite());
            }
            if (envelope.session().authenticatedUser() != null) {
                json.writeStringField("user", envelope.session().authenticatedUser());
            }
            json.writeEndObject();
            json.writeStringField("receivedAt", envelope.receivedAt().toString());
            json.writeNumberField("size", size);
            json.writeEndObject();
        }
    }

    private static void writeParameters(JsonGenerator json, MailParameters parameters) throws IOException {
        json.writeObjectFieldStart("parameters");
        if (parameters.size().isPresent()) {
            json.writeNumberField("size", parameters.size().getAsLong());
        }
        json.writeStringField("body", parameters.effectiveBody().keyword());
        json.writeBooleanField("smtputf8", parameters.smtpUtf8());
        if (parameters.ret() != null) {
            json.writeStringField("ret", parameters.ret().name());
        }
        if (parameters.envelopeId() != null) {
            json.writeStringField("envid", parameters.envelopeId());
        }
        if (parameters.auth() != null) {
            json.writeStringField("auth", parameters.auth());
        }
        json.writeEndObject();
    }
}
