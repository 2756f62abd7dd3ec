package dev.posthorn.mta.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's hold (a state flag no scan gets past) and a message's attempt history beside it. */
class HeldAndHistoryTest {

    private static final Instant NOW = Instant.parse("2026-12-06T21:00:00Z");

    @TempDir
    Path root;

    private String names() throws Exception {
        try (Stream<Path> files = Files.list(root.resolve("queue"))) {
            return String.join(" ", files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aHeldStateIsReadBackHeldWithItsOtherFlags() {
        DeliveryState state = DeliveryState.initial(2, NOW).delayNoticed().held(true, NOW.plusSeconds(60))
                .with(1, DeliveryState.Status.DELIVERED, "250 ok");
        DeliveryState back = DeliveryState.decode(state.encode(), 2);
        assertThat(back).isEqualTo(state);
        assertThat(back.held()).isTrue();
        assertThat(back.delayNoticeSent()).isTrue();
        assertThat(DeliveryState.decode(back.held(false, NOW).encode(), 2).held()).isFalse();
    }

    @Test
    void aHeldMessageIsNeverDueNorCountedAsWaitingForATime() throws Exception {
        Instant now = Instant.now().plusSeconds(60); // after the commits below
        Spool spool = Spool.open(root);
        spool.sweep();
        SpoolTest.commit(spool, "01H", "held\r\n", "a@x.test");
        SpoolTest.commit(spool, "01D", "due\r\n", "b@x.test");
        QueuedMessage later = SpoolTest.commit(spool, "01L", "later\r\n", "c@x.test");
        spool.save("01H", DeliveryState.initial(1, now).held(true, now));
        spool.save("01L", later.state().attempted(now.plusSeconds(3600)));

        Scan scan = spool.scan(Instant.MAX.minusSeconds(1), 10, id -> false);
        assertThat(scan.due()).extracting(Scan.Due::id).containsExactly("01D", "01L");
        assertThat(spool.scan(now, 10, id -> false).next()).contains(now.plusSeconds(3600));
        assertThat(spool.census(now)).isEqualTo(new Scan.Census(1, 1, 1));
        assertThat(spool.load("01H").orElseThrow().state().held()).isTrue();
    }

    @Test
    void historyIsAppendedReadBackAndRemovedWithTheMessage() throws Exception {
        Spool spool = Spool.open(root);
        spool.sweep();
        QueuedMessage message = SpoolTest.commit(spool, "01A", "body\r\n", "a@x.test");
        assertThat(spool.history("01A")).isEmpty();
        spool.save("01A", message.state().attempted(NOW));
        assertThat(spool.appendHistory("01A", "{\"attempt\":1}")).isTrue();
        assertThat(spool.appendHistory("01A", "{\"attempt\":2,\r\n\"x\":1}")).isTrue();
        assertThat(spool.history("01A")).containsExactly("{\"attempt\":1}", "{\"attempt\":2,  \"x\":1}");

        spool.remove(message, true);
        assertThat(names()).isEqualTo("spare.01A"); // the file kept for reuse; state and history are gone
    }

    @Test
    void aLineOverTheLimitIsCutAndATornLastLineIsLeftOut() throws Exception {
        Spool spool = Spool.open(root);
        spool.sweep();
        SpoolTest.commit(spool, "01A", "body\r\n", "a@x.test");
        assertThat(spool.appendHistory("01A", "x".repeat(History.MAX_LINE + 10))).isFalse();
        Files.writeString(root.resolve("queue/01A.history"), "{\"torn\":", StandardOpenOption.APPEND);
        assertThat(spool.history("01A")).singleElement().satisfies(line ->
                assertThat(line).hasSize(History.MAX_LINE - 1));
    }

    @Test
    void theSweepKeepsAHistoryWithItsMessageAndRemovesOneWithout() throws Exception {
        Spool spool = Spool.open(root);
        spool.sweep();
        SpoolTest.commit(spool, "01A", "body\r\n", "a@x.test");
        spool.appendHistory("01A", "{}");
        Files.writeString(root.resolve("queue/01B.history"), "{}\n", StandardCharsets.UTF_8);

        assertThat(Spool.open(root).sweep()).extracting(QueuedMessage::id).containsExactly("01A");
        assertThat(names()).isEqualTo("01A 01A.history");
        assertThat(Files.list(root.resolve("corrupt")).count()).isZero();
    }

    @Test
    void peekReadsWithoutMovingAnythingAndIdsListsInOrder() throws Exception {
        Spool spool = Spool.open(root);
        spool.sweep();
        SpoolTest.commit(spool, "02B", "b\r\n", "b@x.test");
        SpoolTest.commit(spool, "01A", "a\r\n", "a@x.test");
        Files.writeString(root.resolve("queue/01A.state"), "garbage");

        assertThat(spool.ids(10)).containsExactly("01A", "02B");
        assertThat(spool.ids(1)).containsExactly("01A");
        assertThat(spool.peek("01A").orElseThrow().state().attempts()).isZero();
        assertThat(spool.peek("09Z")).isEmpty();
        assertThat(spool.peek("../x")).isEmpty();
        assertThat(names()).contains("01A.state");
    }
}
