package dev.posthorn.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6376 3.2 tag lists, read strictly. */
class TagListTest {

    @Test
    void valuesLoseSurroundingWhiteSpaceAndKeepFoldingInside() {
        TagList tags = TagList.parse(" v=1;\r\n\ta = rsa-sha256 ; h=From :\r\n To; b=ab\r\n cd;");
        assertThat(tags.tags().keySet()).containsExactly("v", "a", "h", "b");
        assertThat(tags.require("a")).isEqualTo("rsa-sha256");
        assertThat(tags.require("h")).isEqualTo("From :\r\n To");
        assertThat(TagList.withoutSpace(tags.require("b"))).isEqualTo("abcd");
    }

    @Test
    void theValueSpanCoversWhatRemovingBNeeds() {
        String text = "v=1; b= ab\r\n cd ; d=x";
        TagList.Tag b = TagList.parse(text).tags().get("b");
        assertThat(text.substring(0, b.valueStart()) + text.substring(b.valueEnd())).isEqualTo("v=1; b=; d=x");
    }

    @Test
    void emptyValuesAreValues() {
        assertThat(TagList.parse("p=; v=DKIM1").require("p")).isEmpty();
    }

    @Test
    void aLineBreakMustBeFollowedByWhiteSpace() {
        assertThatThrownBy(() -> TagList.parse("a=b\r\nc")).hasMessageContaining("bad character");
        assertThatThrownBy(() -> TagList.parse("a=b\nc")).hasMessageContaining("bad character");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\": {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "v=1; v=1|given twice",
        "v=1;;a=b|empty tag",
        "''|empty tag",
        "v|without '='",
        "1a=b|bad tag name",
        "a-b=c|bad tag name",
        "'a=b c\u0001'|bad character",
        "a=caf\u00e9|bad character"})
    void malformedListsAreRefusedWhole(String text, String reason) {
        assertThatThrownBy(() -> TagList.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }
}
