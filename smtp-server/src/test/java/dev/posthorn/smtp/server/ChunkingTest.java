package dev.posthorn.smtp.server;

import static dev.posthorn.smtp.server.TestClient.assertReply;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CHUNKING and BINARYMIME (RFC 3030). */
class ChunkingTest extends ServerTest {

    private final RecordingSink sink = new RecordingSink();

    private TestClient transaction(SmtpServer.Builder builder, String mailParameters) throws Exception {
        server = builder.build().start();
        TestClient c = TestClient.connect(server).hello();
        assertThat(c.command("MAIL FROM:<a@client.test>" + mailParameters).code()).isEqualTo(250);
        assertThat(c.command("RCPT TO:<alice@posthorn.test>").code()).isEqualTo(250);
        return c;
    }

    @Test
    void severalChunksMakeOneMessage() throws Exception {
        try (TestClient c = transaction(TestServers.builder(sink), "")) {
            c.raw("BDAT 19\r\nSubject: chunks\r\n\r\n");
            assertReply(c.read(), 250, "2.0.0");
            c.raw("BDAT 6\r\nhello ");
            assertReply(c.read(), 250, "2.0.0");
            c.raw("BDAT 7 LAST\r\nworld\r\n");
            assertReply(c.read(), 250, "2.0.0");
        }
        assertThat(sink.only().body()).isEqualTo("Subject: chunks\r\n\r\nhello world\r\n");
    }

    @Test
    void pipelinedChunksGetRepliesInOrder() throws Exception {
        try (TestClient c = transaction(TestServers.builder(sink), "")) {
            c.raw("BDAT 5\r\n.\r\n.\nBDAT 0 LAST\r\nNOOP\r\n");
            assertReply(c.read(), 250, "2.0.0");
            assertReply(c.read(), 250, "2.0.0");
            assertReply(c.read(), 250, "2.0.0");
        }
        // BDAT data is binary: no dot unstuffing, no line end repair.
        assertThat(sink.only().body()).isEqualTo(".\r\n.\n");
    }

    @Test
    void bdatZeroLastEndsAMessage() throws Exception {
        try (TestClient c = transaction(TestServers.builder(sink), " BODY=BINARYMIME")) {
            c.raw("BDAT 4\r\n\0\1\2\3");
            assertThat(c.read().code()).isEqualTo(250);
            c.raw("BDAT 0 LAST\r\n");
            assertThat(c.read().code()).isEqualTo(250);
        }
        assertThat(sink.only().body()).isEqualTo("\0\1\2\3");
    }

    @Test
    void dataIsRefusedForBinaryMime() throws Exception {
        try (TestClient c = transaction(TestServers.builder(sink), " BODY=BINARYMIME")) {
            assertReply(c.command("DATA"), 503, "5.5.1");
        }
    }

    @Test
    void dataAfterAChunkIsABadSequenceAndTheChunkIsDropped() throws Exception {
        try (TestClient c = transaction(TestServers.builder(sink), "")) {
            c.raw("BDAT 3\r\nabc");
            assertThat(c.read().code()).isEqualTo(250);
            assertReply(c.command("DATA"), 503, "5.5.1");
            assertReply(c.command("RCPT TO:<alice@posthorn.test>"), 503, "5.5.1");
        }
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void bdatWithoutTransactionIsRefusedButItsOctetsAreConsumed() throws Exception {
        server = TestServers.builder(sink).build().start();
        try (TestClient c = TestClient.connect(server).hello()) {
            c.raw("BDAT 12 LAST\r\nNOOP\r\nNOOP\r\n");
            assertReply(c.read(), 503, "5.5.1");
            assertReply(c.command("RSET"), 250, "2.0.0");
        }
    }

    @Test
    void chunkedMessageOverTheLimitGets552AtTheEnd() throws Exception {
        try (TestClient c = transaction(TestServers.builder(sink).maxMessageSize(100), "")) {
            c.raw("BDAT 80\r\n" + "a".repeat(80));
            assertThat(c.read().code()).isEqualTo(250);
            c.raw("BDAT 80 LAST\r\n" + "b".repeat(80));
            assertReply(c.read(), 552, "5.3.4");
            assertReply(c.command("NOOP"), 250, "2.0.0");
        }
        assertThat(sink.messages).isEmpty();
    }

    @Test
    void rsetBetweenChunksAbortsTheMessage() throws Exception {
        try (TestClient c = transaction(TestServers.builder(sink), "")) {
            c.raw("BDAT 3\r\nabc");
            assertThat(c.read().code()).isEqualTo(250);
            assertReply(c.command("RSET"), 250, "2.0.0");
            assertReply(c.command("BDAT 0 LAST"), 503, "5.5.1");
        }
        assertThat(sink.messages).isEmpty();
    }
}
