package dev.posthorn.mailauth.dmarc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for DMARC records (RFC 7489 6.3) from a sender's DNS: a TXT string that {@link DmarcRecord#isDmarc}
 * accepts parses to a record or to "no record" (6.6.3); it never throws.
 */
class DmarcRecordFuzzTest {

    @FuzzTest
    void record(FuzzedDataProvider data) {
        String txt = data.consumeRemainingAsString();
        if (DmarcRecord.isDmarc(txt)) {
            DmarcRecord.parse(txt);
        }
    }
}
