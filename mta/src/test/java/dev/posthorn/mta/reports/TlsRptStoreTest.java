package dev.posthorn.mta.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.tlsrpt.PolicyRef;
import dev.posthorn.mta.tlsrpt.SessionResult;
import dev.posthorn.mta.tlsrpt.TlsReport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS-RPT counts: a row cap per interval that new results meet while known ones still count. */
class TlsRptStoreTest {

    private static final Instant DAY1 = Instant.parse("2026-12-06T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-12-07T00:00:00Z");

    @TempDir
    Path dir;

    private static SessionResult success(String domain) {
        return new SessionResult(domain, PolicyRef.NONE, Optional.empty());
    }

    @Test
    void newRowsBeyondTheLimitGoUncountedWhileKnownOnesStillCount() throws Exception {
        try (TlsRptStore store = TlsRptStore.open(dir, 2)) {
            store.count(DAY1, success("a.test"));
            store.count(DAY1, success("b.test"));
            store.count(DAY1, success("c.test")); // no room for a third row
            store.count(DAY1, success("a.test"));
            store.count(DAY2, success("c.test")); // a new interval has room
            assertThat(store.domains(DAY1)).containsExactlyInAnyOrder("a.test", "b.test");
            assertThat(store.results(DAY1, "a.test")).extracting(TlsReport.PolicyResult::successful)
                    .containsExactly(2L);
            assertThat(store.domains(DAY2)).containsExactly("c.test");
        }
        try (TlsRptStore store = TlsRptStore.open(dir, 2)) { // the rows already there count after a restart
            store.count(DAY1, success("d.test"));
            assertThat(store.domains(DAY1)).containsExactlyInAnyOrder("a.test", "b.test");
        }
    }
}
