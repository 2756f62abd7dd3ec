package dev.posthorn.mta.capture.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.smtp.server.Chaos;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /api/v1/chaos} over real HTTP: what a PUT refuses, and that a PUT replaces the rules in one step. */
class ChaosApiTest {

    @RegisterExtension
    final WebRig rig = new WebRig();

    @BeforeEach
    void start() {
        rig.chaos.replace(42, List.of(Chaos.parse("mail:disconnect")));
    }

    private HttpResponse<String> put(String body) throws Exception {
        return rig.send("PUT", "/api/v1/chaos", body, null);
    }

    @Test
    void twoRulesForOneStageAreRefusedNamingTheStage() throws Exception {
        HttpResponse<String> answer =
                put("{\"seed\":7,\"rules\":[\"rcpt:disconnect\",\"data:delay=1s\",\"RCPT:stall\"]}");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("two chaos rules for stage rcpt");
        assertThat(rig.chaos.rules()).containsExactly(Chaos.parse("mail:disconnect"));
        assertThat(rig.chaos.seed()).isEqualTo(42);
    }

    @Test
    void delaysAndStallsOverAnHourAreRefusedSayingSo() throws Exception {
        HttpResponse<String> delay = put("{\"rules\":[\"connect:delay=999999h\"]}");
        assertThat(delay.statusCode()).isEqualTo(400);
        assertThat(delay.body()).contains("a chaos delay must be at most 1h, got 999999h");
        HttpResponse<String> stall = put("{\"rules\":[\"data:stall=61m\"]}");
        assertThat(stall.statusCode()).isEqualTo(400);
        assertThat(stall.body()).contains("a chaos stall must be at most 1h, got 61m");
        assertThat(rig.chaos.rules()).containsExactly(Chaos.parse("mail:disconnect"));
        assertThat(put("{\"rules\":[\"connect:delay=1h\",\"data:stall=3600s\"]}").statusCode()).isEqualTo(200);
        assertThat(rig.get("/api/v1/chaos").body()).isEqualTo(
                "{\"seed\":42,\"rules\":[\"connect:delay=1h\",\"data:stall=1h\"]}");
    }

    /** The SMTP listener draws under Chaos's own lock; a PUT of the same rule must never leave it a moment without. */
    @Test
    void aDrawDuringAPutSeesOldOrNewRulesNeverNone() throws Exception {
        put("{\"rules\":[\"rcpt:disconnect\"]}");
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> putting = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 300; i++) {
                    assertThat(put("{\"seed\":" + i + ",\"rules\":[\"rcpt:disconnect\"]}").statusCode())
                            .isEqualTo(200);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                done.set(true);
            }
        });
        long draws = 0;
        long missed = 0;
        while (!done.get()) {
            draws++;
            if (rig.chaos.draw(Chaos.Stage.RCPT).isEmpty()) {
                missed++;
            }
        }
        putting.get();
        assertThat(draws).isPositive();
        assertThat(missed).as("draws without a rule, of %d", draws).isZero();
    }
}
