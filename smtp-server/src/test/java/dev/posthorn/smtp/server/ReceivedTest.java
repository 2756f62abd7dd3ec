package dev.posthorn.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.Mailbox;
import dev.posthorn.smtp.RcptParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Received header (RFC 5321 4.4, RFC 3848). */
class ReceivedTest {

    private static final Instant WHEN = Instant.parse("2026-11-23T10:15:30Z");

    private static SessionInfo session(String helo, boolean extended, SessionInfo.TlsInfo tls, String user)
            throws Exception {
        return new SessionInfo("c1", new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 40000),
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 25), helo, extended, tls, user, false);
    }

    private static Envelope.Recipient to(String address) {
        return new Envelope.Recipient(ForwardPath.of(Mailbox.parse(address, true)), RcptParameters.NONE);
    }

    private static String header(SessionInfo session, List<Envelope.Recipient> recipients, boolean utf8) {
        return new String(Received.header("mx.posthorn.test", session, "01ID", recipients, utf8, WHEN),
                StandardCharsets.UTF_8);
    }

    @Test
    void namesClientServerProtocolIdRecipientAndDate() throws Exception {
        String header = header(session("client.test", true, null, null), List.of(to("alice@posthorn.test")), false);
        assertThat(header).startsWith("Received: from client.test ([192.0.2.7])\r\n"
                        + "\tby mx.posthorn.test (Posthorn) with ESMTP id 01ID\r\n"
                        + "\tfor <alice@posthorn.test>;\r\n\t")
                .endsWith("\r\n")
                .containsPattern("\\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\r\\n$");
    }

    @Test
    void listsNoRecipientsWhenThereAreSeveral() throws Exception {
        String header = header(session("client.test", true, null, null),
                List.of(to("alice@posthorn.test"), to("bob@posthorn.test")), false);
        assertThat(header).doesNotContain("for <").doesNotContain("alice");
    }

    @Test
    void recordsTlsParameters() throws Exception {
        String header = header(session("c.test", true, new SessionInfo.TlsInfo("TLSv1.3", "TLS_AES_128_GCM_SHA256"),
                "alice"), List.of(), false);
        assertThat(header).contains("with ESMTPSA id 01ID\r\n\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256);");
    }

    @ParameterizedTest
    @CsvSource({"false,false,false,SMTP", "true,false,false,ESMTP", "true,true,false,ESMTPS", "true,false,true,ESMTPA",
        "true,true,true,ESMTPSA"})
    void protocolNamesFollowRfc3848(boolean extended, boolean tls, boolean auth, String expected) throws Exception {
        SessionInfo s = session("c.test", extended, tls ? new SessionInfo.TlsInfo("TLSv1.3", "X") : null,
                auth ? "alice" : null);
        assertThat(Received.protocol(s, false)).isEqualTo(expected);
    }

    @Test
    void utf8TransactionsUseUtf8SmtpNames() throws Exception {
        assertThat(Received.protocol(session("c.test", true, new SessionInfo.TlsInfo("TLSv1.3", "X"), null), true))
                .isEqualTo("UTF8SMTPS");
    }

    @Test
    void hostileHeloCannotBreakTheHeader() throws Exception {
        String header = header(session("evil)\r\nX-Injected: yes (", true, null, null), List.of(), false);
        assertThat(header).doesNotContain("\r\nX-Injected").startsWith("Received: from evil_");
        assertThat(header.split("\r\n")).allMatch(line -> line.startsWith("Received:") || line.startsWith("\t"));
    }

    @Test
    void ipv6ClientsAreWrittenAsIpv6Literals() throws Exception {
        SessionInfo v6 = new SessionInfo("c1", new InetSocketAddress(InetAddress.getByName("::1"), 40000),
                new InetSocketAddress(InetAddress.getByName("::1"), 25), "client.test", true, null, null, false);
        assertThat(header(v6, List.of(to("alice@posthorn.test")), false))
                .startsWith("Received: from client.test ([IPv6:::1])\r\n");
    }
}
