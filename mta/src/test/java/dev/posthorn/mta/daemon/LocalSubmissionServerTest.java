package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.sendmail.StdioBridge;
import dev.posthorn.smtp.server.SmtpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sendmail {@code -bs}'s in-process server speaks with the rights of the user who ran sendmail (it may relay): only
 * the bridge's own socket may have a session there, never another local process that found the port.
 */
class LocalSubmissionServerTest {

    @TempDir
    Path dir;

    @Test
    void anotherLocalClientIsTurnedAwayAndTheBridgesOwnSocketIsServed() throws Exception {
        LocalSubmission submission = LocalSubmission.open(TestConfigs.conformance(dir), message -> { });
        try (Socket bridge = StdioBridge.bound();
             SmtpServer server = submission.smtpServer((InetSocketAddress) bridge.getLocalSocketAddress())) {
            try (Socket intruder = new Socket(server.address().getAddress(), server.address().getPort())) {
                intruder.setSoTimeout(5000);
                String greeting = new BufferedReader(new InputStreamReader(intruder.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertThat(greeting).startsWith("421 4.7.0 ");
            }
            bridge.connect(server.address(), 5000);
            bridge.setSoTimeout(5000);
            String greeting = new BufferedReader(new InputStreamReader(bridge.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(greeting).startsWith("220 mx.posthorn.test");
        }
    }
}
