package dev.posthorn.mta.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dmarc.AggregateReport;
import dev.posthorn.mailauth.dmarc.DmarcRecord;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DmarcStoreTest {

    private static final Instant DAY1 = Instant.parse("2026-12-06T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-12-07T00:00:00Z");
    private static final DmarcRecord RECORD = new DmarcRecord(DmarcRecord.Policy.QUARANTINE,
            java.util.Optional.of(DmarcRecord.Policy.NONE), true, false, 30,
            dev.posthorn.mailauth.dmarc.ReportUri.parseList("mailto:a@sender.test!5k,mailto:b@reports.test"), "d:s");

    @TempDir
    Path dir;

    private static AggregateReport.Row row(String ip, boolean dkim, String selector) throws Exception {
        return new AggregateReport.Row(InetAddress.getByName(ip), 1, DmarcRecord.Policy.NONE, dkim, false,
                dkim ? List.of() : List.of(AggregateReport.Override.LOCAL_POLICY, AggregateReport.Override.SAMPLED_OUT),
                "", "sender.test", List.of(new AggregateReport.DkimAuth("sender.test", selector, "pass"),
                        new AggregateReport.DkimAuth("", "", "permerror")),
                new AggregateReport.SpfAuth("helo.test", true, "none"));
    }

    @Test
    void alikeMessagesAreCountedInOneRowAndComeBackAsWritten() throws Exception {
        try (DmarcStore store = DmarcStore.open(dir)) {
            for (int i = 0; i < 5; i++) {
                store.count(DAY1, "sender.test", RECORD, row("192.0.2.1", true, "s1"));
            }
            store.count(DAY1, "sender.test", RECORD, row("2001:db8::1", false, "s1"));
            store.count(DAY1, "other.test", RECORD, row("192.0.2.1", true, "s1"));
            store.count(DAY2, "sender.test", RECORD, row("192.0.2.1", true, "s1"));
        }
        try (DmarcStore store = DmarcStore.open(dir)) {   // survives a restart
            assertThat(store.periodsBefore(DAY2)).containsExactly(DAY1);
            assertThat(store.periodsBefore(DAY2.plusSeconds(1))).containsExactly(DAY1, DAY2);
            assertThat(store.domains(DAY1)).containsExactly("other.test", "sender.test");
            DmarcStore.Entry entry = store.entry(DAY1, "sender.test").orElseThrow();
            assertThat(entry.published()).isEqualTo(RECORD);
            assertThat(entry.rows()).containsExactly(
                    withCount(row("192.0.2.1", true, "s1"), 5), row("2001:db8::1", false, "s1"));
            store.forget(DAY1, "sender.test");
            assertThat(store.entry(DAY1, "sender.test")).isEmpty();
            assertThat(store.domains(DAY1)).containsExactly("other.test");
            assertThat(store.entry(DAY2, "sender.test").orElseThrow().rows()).hasSize(1);
        }
    }

    @Test
    void newRowsBeyondTheLimitGoUncountedWhileKnownOnesStillCount() throws Exception {
        try (DmarcStore store = DmarcStore.open(dir, 2)) {
            store.count(DAY1, "sender.test", RECORD, row("192.0.2.1", true, "a"));
            store.count(DAY1, "sender.test", RECORD, row("192.0.2.2", true, "a"));
            store.count(DAY1, "sender.test", RECORD, row("192.0.2.3", true, "a"));   // no room
            store.count(DAY1, "sender.test", RECORD, row("192.0.2.1", true, "a"));
            store.count(DAY2, "sender.test", RECORD, row("192.0.2.3", true, "a"));   // a new interval has room
            assertThat(store.entry(DAY1, "sender.test").orElseThrow().rows()).extracting(r -> r.source()
                    .getHostAddress() + "=" + r.count()).containsExactly("192.0.2.1=2", "192.0.2.2=1");
            assertThat(store.entry(DAY2, "sender.test").orElseThrow().rows()).hasSize(1);
        }
    }

    private static AggregateReport.Row withCount(AggregateReport.Row r, long count) {
        return new AggregateReport.Row(r.source(), count, r.disposition(), r.dkimAligned(), r.spfAligned(),
                r.overrides(), r.envelopeFrom(), r.headerFrom(), r.dkim(), r.spf());
    }
}
