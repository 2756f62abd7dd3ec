package dev.posthorn.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Macro expansion (RFC 7208 7), checked against the examples of RFC 7208 7.4. */
class MacroStringTest {

    /** RFC 7208 7.4: sender strong-bad@email.example.com, client 192.0.2.3, domain email.example.com. */
    private static final Map<Character, String> EXAMPLE = Map.of('s', "strong-bad@email.example.com",
            'l', "strong-bad", 'o', "email.example.com", 'd', "email.example.com", 'i', "192.0.2.3",
            'v', "in-addr", 'h', "mx.example.org", 'p', "unknown");

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            %{s}                              | strong-bad@email.example.com
            %{o}                              | email.example.com
            %{d}                              | email.example.com
            %{d4}                             | email.example.com
            %{d3}                             | email.example.com
            %{d2}                             | example.com
            %{d1}                             | com
            %{dr}                             | com.example.email
            %{d2r}                            | example.email
            %{l}                              | strong-bad
            %{l-}                             | strong.bad
            %{lr}                             | strong-bad
            %{lr-}                            | bad.strong
            %{l1r-}                           | strong
            %{ir}.%{v}._spf.%{d2}             | 3.2.0.192.in-addr._spf.example.com
            %{lr-}.lp._spf.%{d2}              | bad.strong.lp._spf.example.com
            %{lr-}.lp.%{ir}.%{v}._spf.%{d2}   | bad.strong.lp.3.2.0.192.in-addr._spf.example.com
            %{ir}.%{v}.%{l1r-}.lp._spf.%{d2}  | 3.2.0.192.in-addr.strong.lp._spf.example.com
            %{d2}.trusted-domains.example.net | example.com.trusted-domains.example.net
            %{d200}                           | email.example.com
            """)
    void expandsAsTheRfcExamplesSay(String spec, String expected) throws SpfSyntaxException {
        assertThat(MacroString.parse(spec, false).expand(EXAMPLE::get)).isEqualTo(expected);
    }

    @Test
    void escapesStandForPercentSpaceAndUrlSpace() throws SpfSyntaxException {
        assertThat(MacroString.parse("a%%b%_c%-d", false).expand(EXAMPLE::get)).isEqualTo("a%b c%20d");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            %{L}       | joe%2Bx%2Fy
            %{l+}      | joe.x/y
            %{L+/}     | joe.x.y
            """)
    void upperCaseLettersAreUrlEscaped(String spec, String expected) throws SpfSyntaxException {
        assertThat(MacroString.parse(spec, false).expand(Map.of('l', "joe+x/y")::get)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%{x}", "%{d0}", "%{c}", "%{r}", "%{t}", "%{", "%{}", "%", "%a", "%{d2x}", "a b",
            "%{lr-!}", "caf\u00e9"})
    void malformedMacroStringsAreSyntaxErrors(String spec) {
        assertThatThrownBy(() -> MacroString.parse(spec, false)).isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%{c}", "%{r}", "%{t}", "%{C}"})
    void explanationLettersAreAllowedOnlyInExplanations(String spec) throws SpfSyntaxException {
        assertThat(MacroString.parse(spec, true).hasMacros()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example", "example.123", "example.com-", "foo.com}", "%{d}.", "."})
    void aDomainSpecEndsInATopLabelOrAMacro(String spec) {
        assertThatThrownBy(() -> MacroString.domainSpec(spec)).isInstanceOf(SpfSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com.", "_spf.%{d}", "%{d}", "a.b-c.example", "x.1-2", "%{l}%%"})
    void wellFormedDomainSpecsParse(String spec) throws SpfSyntaxException {
        assertThat(MacroString.domainSpec(spec).parts()).isNotEmpty();
    }

    @Test
    void aLongExpansionLosesLabelsOnTheLeft() throws SpfSyntaxException {
        String label = "a".repeat(60);
        String local = String.join(".", label, label, label, label, label);
        String domain = MacroString.domainSpec("%{l}.example.com").expandDomain(Map.of('l', local)::get);
        assertThat(domain.length()).isLessThanOrEqualTo(MacroString.MAX_DOMAIN);
        assertThat(domain).endsWith("." + label + ".example.com").doesNotStartWith(".");
        assertThat(domain.split("\\.")).hasSize(5);
    }
}
