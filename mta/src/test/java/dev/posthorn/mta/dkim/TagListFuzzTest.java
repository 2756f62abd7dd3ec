package dev.posthorn.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for DKIM tag lists (RFC 6376 3.2) as read from a signature header field or a key record in DNS, both
 * written by strangers: {@link TagList#parse} returns a list or throws {@link IllegalArgumentException}; nothing
 * else. Each tag's value span lies inside the text and holds its value's characters.
 */
class TagListFuzzTest {

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
}
