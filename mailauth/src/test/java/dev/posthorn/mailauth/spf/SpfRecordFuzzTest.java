package dev.posthorn.mailauth.spf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for SPF (RFC 7208) from a sender's DNS: a record {@link SpfRecord#isSpf} accepts, and a macro-string,
 * parse to a value or throw {@link SpfSyntaxException} (a permerror, 4.6); nothing else.
 */
class SpfRecordFuzzTest {

    @FuzzTest
    void record(FuzzedDataProvider data) {
        String txt = data.consumeRemainingAsString();
        if (!SpfRecord.isSpf(txt)) {
            return;
        }
        try {
            SpfRecord.parse(txt);
        } catch (SpfSyntaxException e) {
            // the documented refusal
        }
    }

    @FuzzTest
    void macroString(FuzzedDataProvider data) {
        boolean explanation = data.consumeBoolean();
        try {
            MacroString.parse(data.consumeRemainingAsString(), explanation);
        } catch (SpfSyntaxException e) {
            // the documented refusal
        }
    }
}
