package dev.posthorn.mta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.ReversePath;
import dev.posthorn.smtp.client.ClientTimeouts;
import dev.posthorn.smtp.client.Endpoint;
import dev.posthorn.smtp.client.Recipient;
import dev.posthorn.smtp.client.SmtpClient;
import dev.posthorn.smtp.client.TransactionResult;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code posthorn sink} over a real socket: {@code --auth} enforces AUTH, without it any mail is captured. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SinkCommandTest {

    @TempDir
    Path dir;

    private SmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SmtpClient start(String... extra) throws Exception {
        SinkCommand command = new SinkCommand();
        String[] args = Stream.concat(Stream.of("--listen", "127.0.0.1:0", "--dir", dir.toString()), Stream.of(extra))
                .toArray(String[]::new);
        new CommandLine(command).parseArgs(args);
        server = command.server(new InetSocketAddress("127.0.0.1", 0)).build().start();
        return SmtpClient.connect(new Endpoint.Tcp("127.0.0.1", server.port()), SmtpClient.Protocol.SMTP,
                "app.test", ClientTimeouts.all(Duration.ofSeconds(10)));
    }

    private static TransactionResult send(SmtpClient client) throws Exception {
        return client.send(ReversePath.of(Mailbox.parse("app@app.test", false)), MailParameters.NONE,
                List.of(Recipient.of(ForwardPath.of(Mailbox.parse("user@example.test", false)))),
                new ByteArrayInputStream("Subject: t\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    private long captured() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".eml")).count();
        }
    }

    @Test
    void withAuthMailWithoutAuthIsRefused() throws Exception {
        try (SmtpClient client = start("--auth", "dev:secret", "--auth-without-tls")) {
            TransactionResult result = send(client);
            assertThat(result.mail().code()).isEqualTo(530);
            assertThat(result.mail().status()).hasToString("5.7.0");
        }
        assertThat(captured()).isZero();
    }

    @Test
    void withAuthWrongCredentialsAreRefusedAndMailStillIs() throws Exception {
        try (SmtpClient client = start("--auth", "dev:secret", "--auth-without-tls")) {
            assertThat(client.authenticate("dev", "wrong", true).code()).isEqualTo(535);
            assertThat(send(client).mail().code()).isEqualTo(530);
        }
        assertThat(captured()).isZero();
    }

    @Test
    void withAuthTheRightCredentialsDeliver() throws Exception {
        try (SmtpClient client = start("--auth", "dev:secret", "--auth-without-tls")) {
            assertThat(client.authenticate("dev", "secret", true).code()).isEqualTo(235);
            assertThat(send(client).recipients()).allMatch(TransactionResult.RecipientResult::delivered);
        }
        assertThat(captured()).isEqualTo(1);
    }

    @Test
    void withoutAuthAnyMailIsCaptured() throws Exception {
        try (SmtpClient client = start()) {
            assertThat(client.capabilities().supports("AUTH")).isFalse();
            assertThat(send(client).recipients()).allMatch(TransactionResult.RecipientResult::delivered);
        }
        assertThat(captured()).isEqualTo(1);
    }
}
