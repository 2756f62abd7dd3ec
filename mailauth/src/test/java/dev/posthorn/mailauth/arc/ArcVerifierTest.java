package dev.posthorn.mailauth.arc;

import static dev.posthorn.mailauth.arc.ArcFixture.MESSAGE;
import static dev.posthorn.mailauth.arc.ArcFixture.keys;
import static dev.posthorn.mailauth.arc.ArcFixture.seal;
import static dev.posthorn.mailauth.arc.ArcFixture.verify;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.arc.ArcResult.Status;
import dev.posthorn.mailauth.dkim.KeyLookup;
import dev.posthorn.mailauth.dns.Answer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Chains sealed here and verified here: each way a chain can pass or break, with the verdict it gets. */
class ArcVerifierTest {

    private static final KeyLookup KEYS = keys("forwarder.test", "list.test", "relay.test");

    @Test
    void aMessageWithoutArcFieldsIsNone() throws Exception {
        assertThat(verify(MESSAGE, KEYS)).isEqualTo(ArcResult.NONE);
    }

    @Test
    void oneSetPasses() throws Exception {
        ArcResult result = verify(seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS), KEYS);
        assertThat(result.status()).isEqualTo(Status.PASS);
        assertThat(result.instances()).isEqualTo(1);
        assertThat(result.domain()).isEqualTo("forwarder.test");
        assertThat(result.oldestPass()).isZero();
    }

    @Test
    void threeSetsWithBothKeyTypesPass() throws Exception {
        String once = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        String twice = seal(once, "list.test", ArcFixture.ed25519(), KEYS);
        String thrice = seal(twice, "relay.test", ArcFixture.rsa(), KEYS);
        assertThat(thrice).contains("ARC-Seal: i=2; cv=pass;").contains("ARC-Seal: i=3; cv=pass;");
        ArcResult result = verify(thrice, KEYS);
        assertThat(result.status()).as(result.reason()).isEqualTo(Status.PASS);
        assertThat(result.instances()).isEqualTo(3);
        assertThat(result.domain()).isEqualTo("relay.test");
    }

    @Test
    void aChangedBodyFailsTheNewestMessageSignature() throws Exception {
        String sealed = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        ArcResult result = verify(sealed.replace("Nothing else", "Something else"), KEYS);
        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.reason()).isEqualTo("ARC-Message-Signature i=1: body hash did not verify");
    }

    @Test
    void aBodyChangedBeforeTheNewestSetStillPassesWithOldestPass() throws Exception {
        String once = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        assertThat(verify(once, KEYS).status()).isEqualTo(Status.PASS);
        // A list validates the chain, then adds its footer and seals (RFC 8617 5.1): only AMS 1 breaks.
        String changed = once.replace("Nothing else happened.", "Nothing else happened.\r\n-- \r\nThe list");
        String twice = new ArcSealer(ArcFixture.NOW).seal(ArcFixture.stream(changed), "list.test", ArcFixture.rsa(),
                "mx.list.test; arc=pass", Status.PASS) + changed;
        ArcResult result = verify(twice, KEYS);
        assertThat(result.status()).as(result.reason()).isEqualTo(Status.PASS);
        assertThat(result.oldestPass()).isEqualTo(2);
    }

    @Test
    void aChangedSignedFieldFails() throws Exception {
        String sealed = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        ArcResult result = verify(sealed.replace("Subject: Minutes", "Subject: Invoice"), KEYS);
        assertThat(result.reason()).isEqualTo("ARC-Message-Signature i=1: signature did not verify");
    }

    @Test
    void aChangedOlderResultsFieldBreaksTheSeals() throws Exception {
        String twice = seal(seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS), "list.test",
                ArcFixture.rsa(), KEYS);
        ArcResult result = verify(twice.replace("i=1; mx.forwarder.test; arc=none; spf=pass",
                "i=1; mx.forwarder.test; arc=none; spf=fail"), KEYS);
        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.reason()).isEqualTo("ARC-Seal i=2: signature did not verify");
    }

    @Test
    void aFailedChainIsSealedWithCvFailAndStaysFailed() throws Exception {
        String broken = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS).replace("Nothing", "Everything");
        String resealed = seal(broken, "list.test", ArcFixture.rsa(), KEYS);
        assertThat(resealed).contains("ARC-Seal: i=2; cv=fail;");
        assertThat(verify(resealed, KEYS).reason()).isEqualTo("ARC-Seal i=2 says cv=fail");
        assertThat(seal(resealed, "relay.test", ArcFixture.rsa(), KEYS)).isEqualTo(resealed);
    }

    @Test
    void aChainThatWasNotCheckedIsNotSealed() throws Exception {
        String once = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        String set = new ArcSealer(ArcFixture.NOW).seal(ArcFixture.stream(once), "list.test", ArcFixture.rsa(),
                "mx.list.test; none", Status.NONE);
        assertThat(set).isEmpty();
    }

    @Test
    void anUnknownKeyFails() throws Exception {
        String sealed = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        ArcResult result = verify(sealed, keys("elsewhere.test"));
        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.reason()).isEqualTo(
                "ARC-Message-Signature i=1: no key record at rsa._domainkey.forwarder.test");
    }

    @Test
    void aTemporaryKeyLookupFailureFails() throws Exception {
        String sealed = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        ArcResult result = verify(sealed, name -> new Answer.Failed<>("timeout"));
        assertThat(result.status()).isEqualTo(Status.FAIL);
        assertThat(result.reason()).startsWith("ARC-Message-Signature i=1: key lookup failed");
    }

    @Test
    void keysAreLookedUpOncePerName() throws Exception {
        String message = MESSAGE;
        for (int i = 0; i < 5; i++) {
            message = seal(message, "forwarder.test", ArcFixture.rsa(), KEYS);
        }
        AtomicInteger lookups = new AtomicInteger();
        ArcResult result = verify(message, name -> {
            lookups.incrementAndGet();
            return KEYS.lookup(name);
        });
        assertThat(result.status()).isEqualTo(Status.PASS);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void seededReorderingsOfTheHeaderSectionStillPass() throws Exception {
        String twice = seal(seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS), "list.test",
                ArcFixture.ed25519(), KEYS);
        int split = twice.indexOf("\r\n\r\n") + 2;
        List<String> fields = fields(twice.substring(0, split));
        for (long seed = 1; seed <= 20; seed++) {
            List<String> shuffled = new ArrayList<>(fields);
            Collections.shuffle(shuffled, new java.util.Random(new SplittableRandom(seed).nextLong()));
            String message = String.join("", shuffled) + twice.substring(split);
            assertThat(verify(message, KEYS).status()).as("seed %d", seed).isEqualTo(Status.PASS);
        }
    }

    @Test
    void moreThanTwentyKeyRecordsAreNotLookedUp() throws Exception {
        String[] domains = new String[21];
        for (int i = 0; i < domains.length; i++) {
            domains[i] = "hop" + i + ".test";
        }
        KeyLookup keys = keys(domains);
        String message = MESSAGE;
        for (String domain : domains) {
            message = seal(message, domain, ArcFixture.rsa(), keys);
        }
        assertThat(message).contains("ARC-Seal: i=21; cv=pass;");
        AtomicInteger lookups = new AtomicInteger();
        ArcResult result = verify(message, name -> {
            lookups.incrementAndGet();
            return keys.lookup(name);
        });
        assertThat(result.reason()).isEqualTo("ARC-Seal i=1: more than 20 key records to look up");
        assertThat(lookups).hasValue(20);
    }

    @Test
    void keysAreNotLookedUpAfterTheTimeLimit() throws Exception {
        String twice = seal(seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS), "list.test",
                ArcFixture.rsa(), KEYS);
        MutableClock clock = new MutableClock();
        ArcResult result = new ArcVerifier(name -> {
            clock.advance(ArcVerifier.TIME_LIMIT.plusSeconds(1));
            return KEYS.lookup(name);
        }, clock).verify(ArcFixture.stream(twice));
        assertThat(result.status()).isEqualTo(Status.FAIL);
        // The message signatures are read (and their keys fetched) first, newest to oldest.
        assertThat(result.reason()).isEqualTo("ARC-Seal i=1: key lookups took longer than 20 s");
    }

    @Test
    void aSealWithHAndAMessageSignatureOverArcSealAreRefused() throws Exception {
        String sealed = seal(MESSAGE, "forwarder.test", ArcFixture.rsa(), KEYS);
        assertThat(verify(sealed.replace("ARC-Seal: i=1; cv=none;", "ARC-Seal: i=1; cv=none; h=From;"), KEYS)
                .reason()).isEqualTo("ARC-Seal i=1: h= in an ARC-Seal (RFC 8617 4.1.3)");
        assertThat(verify(sealed.replace("h=From:", "h=ARC-Seal:From:"), KEYS).reason()).isEqualTo(
                "ARC-Message-Signature i=1: an ARC-Message-Signature may not sign ARC-Seal (RFC 8617 4.1.2)");
    }

    /** A clock the test moves. */
    private static final class MutableClock extends java.time.Clock {
        private java.time.Instant now = ArcFixture.NOW.instant();

        void advance(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** The fields of a header section, each with its continuation lines. */
    static List<String> fields(String header) {
        List<String> fields = new ArrayList<>();
        for (String line : header.split("(?<=\r\n)")) {
            if (line.startsWith(" ") || line.startsWith("\t")) {
                fields.set(fields.size() - 1, fields.getLast() + line);
            } else {
                fields.add(line);
            }
        }
        return fields;
    }
}
