package dev.posthorn.mta.capture;

import dev.posthorn.smtp.server.SmtpServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link LargeCaptureIT}: a capture store behind an SMTP server, with a small heap. It writes its
 * port to {@code args[1]}, waits for one message, views it, streams its first attachment through SHA-256, and writes
 * the results to {@code args[2]}, one a line: subject, size, text, first attachment's size, its SHA-256, messages
 * stored, From, attachments, header fields.
 */
final class LargeCaptureServer {

    private LargeCaptureServer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        BlockingQueue<CaptureEvent> events = new ArrayBlockingQueue<>(10);
        try (CaptureStore store = CaptureStore.open(dir, 10, null, Clock.systemUTC());
             SmtpServer server = SmtpServer.builder().bind("127.0.0.1", 0).maxMessageSize(400L << 20).sink(store)
                     .build().start()) {
            store.subscribe(events::add);
            // Written beside it and renamed: the test polls for the file, and must never read it half written.
            Path portFile = Path.of(args[1]);
            Path written = Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"),
                    String.valueOf(server.port()));
            Files.move(written, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            CaptureEvent event = events.poll(10, TimeUnit.MINUTES);
            if (!(event instanceof CaptureEvent.Added added)) {
                throw new IllegalStateException("no message arrived");
            }
            String id = added.message().id();
            MessageView view = store.view(id).orElseThrow();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
                MessageView.writeAttachment(store.file(id).orElseThrow(), 0, out);
            }
            Files.writeString(Path.of(args[2]), String.join("\n", added.message().subject(),
                    String.valueOf(added.message().size()), String.valueOf(view.text()),
                    String.valueOf(view.attachments().getFirst().size()), HexFormat.of().formatHex(sha.digest()),
                    String.valueOf(store.list(CaptureQuery.ALL, 0, 10).total()), added.message().from(),
                    String.valueOf(view.attachments().size()), String.valueOf(view.headers().size())));
        }
    }
}
