package dev.posthorn.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for DKIM tag lists (RFC 6376 3.2) as read from a signature header field or a key record in DNS, both
 * written by strangers: {@link TagList#parse} returns a list or throws {@link IllegalArgumentException}, and each
 * tag's value span lies inside the text; a signature field ({@link SignatureField#parse}, 3.5) and a key record
 * ({@link KeyRecord#parse}, 3.6.1) are read or refused with {@link Refusal}. Nothing else.
 */
class DkimFuzzTest {

    @FuzzTest
    void tagList(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        TagList list;
        try {
            list = TagList.parse(text);
        } catch (IllegalArgumentException e) {
            return;
        }
        assertThat(list.tags()).allSatisfy((name, tag) -> {
            assertThat(tag.name()).isEqualTo(name);
            assertThat(tag.valueStart()).isBetween(0, tag.valueEnd());
            assertThat(tag.valueEnd()).isLessThanOrEqualTo(text.length());
        });
    }

    @FuzzTest
    void signatureField(FuzzedDataProvider data) {
        long now = data.consumeLong(0, 1L << 40);
        HeaderField field = new HeaderField("DKIM-Signature", "DKIM-Signature:" + data.consumeRemainingAsString());
        try {
            assertThat(SignatureField.parse(field, TagList.parse(field.value()), now)).isNotNull();
        } catch (IllegalArgumentException | Refusal e) {
            // a malformed tag list, or a signature the verifier refuses (RFC 6376 6.1.1)
        }
    }

    @FuzzTest
    void keyRecord(FuzzedDataProvider data) {
        Algorithm algorithm = data.pickValue(Algorithm.values());
        try {
            assertThat(KeyRecord.parse(data.consumeRemainingAsString(), algorithm)).isNotNull();
        } catch (Refusal e) {
            // PERMERROR (RFC 6376 6.1.2)
        }
    }
}
