package dev.posthorn.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mailauth.dkim.HeaderSection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The form of ARC sets (RFC 8617 5.2 steps 1 to 4), on fields whose signatures are never checked. */
class ArcStructureTest {

    private static String aar(int i) {
        return "ARC-Authentication-Results: i=" + i + "; mx.example.net; spf=pass smtp.mailfrom=example.com\r\n";
    }

    private static String ams(int i) {
        return "ARC-Message-Signature: i=" + i + "; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s;\r\n"
                + "\th=From:To; bh=AAAA; b=AAAA\r\n";
    }

    private static String as(int i, String cv) {
        return "ARC-Seal: i=" + i + "; cv=" + cv + "; a=rsa-sha256; d=example.net; s=s; b=AAAA\r\n";
    }

    /** The three fields of instance {@code i}, with the cv= a valid chain has there. */
    private static List<String> set(int i) {
        return List.of(as(i, i == 1 ? "none" : "pass"), ams(i), aar(i));
    }

    private static ArcStructure.Chain read(List<String> fields) throws IOException {
        String message = String.join("", fields) + "From: a@example.com\r\n\r\nbody\r\n";
        return ArcStructure.read(HeaderSection.read(
                new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1))));
    }

    private static List<String> chain(int n) {
        List<String> fields = new ArrayList<>();
        for (int i = n; i >= 1; i--) {
            fields.addAll(set(i));
        }
        return fields;
    }

    private static String broken(List<String> fields) throws IOException {
        ArcStructure.Chain chain = read(fields);
        assertThat(chain).isInstanceOf(ArcStructure.Broken.class);
        return ((ArcStructure.Broken) chain).reason();
    }

    @Test
    void noArcFieldsIsAbsent() throws IOException {
        assertThat(read(List.of("Subject: hi\r\n"))).isEqualTo(new ArcStructure.Absent());
    }

    @Test
    void aValidChainGivesItsSetsInOrderWhateverTheFieldOrder() throws IOException {
        for (long seed = 1; seed <= 50; seed++) {
            List<String> fields = new ArrayList<>(chain(4));
            Collections.shuffle(fields, new Random(seed));
            ArcStructure.Chain chain = read(fields);
            assertThat(chain).as("seed %d", seed).isInstanceOf(ArcStructure.Sets.class);
            List<ArcSet> sets = ((ArcStructure.Sets) chain).sets();
            assertThat(sets).extracting(ArcSet::instance).containsExactly(1, 2, 3, 4);
            assertThat(sets).allSatisfy(s -> assertThat(s.results().value()).startsWith(" i=" + s.instance() + ";"));
        }
    }

    @Test
    void eachMissingFieldIsNamed() throws IOException {
        for (long seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            List<String> fields = new ArrayList<>(chain(3));
            int dropped = random.nextInt(fields.size());
            int instance = 3 - dropped / 3;
            fields.remove(dropped);
            Collections.shuffle(fields, random);
            assertThat(broken(fields)).as("seed %d", seed)
                    .isEqualTo("ARC set " + instance + " is incomplete or missing");
        }
    }

    @Test
    void aMissingInstanceBreaksTheChain() throws IOException {
        List<String> fields = new ArrayList<>(set(3));
        fields.addAll(set(1));
        assertThat(broken(fields)).isEqualTo("ARC set 2 is incomplete or missing");
    }

    @Test
    void aDuplicateFieldBreaksTheChain() throws IOException {
        List<String> fields = new ArrayList<>(chain(2));
        fields.add(ams(1));
        assertThat(broken(fields)).isEqualTo("two ARC-Message-Signature fields with i=1");
        List<String> twoResults = new ArrayList<>(chain(2));
        twoResults.add(0, aar(2));
        assertThat(broken(twoResults)).isEqualTo("two ARC-Authentication-Results fields with i=2");
    }

    @Test
    void instancesAbove50BreakTheChain() throws IOException {
        assertThat(broken(set(51))).isEqualTo("instance above 50 (RFC 8617 4.2.1)");
        assertThat(read(chain(50))).isInstanceOf(ArcStructure.Sets.class);
        List<String> tooMany = new ArrayList<>(chain(50));
        tooMany.addAll(set(51));
        assertThat(broken(tooMany)).isEqualTo("153 ARC fields, more than 50 instances can have");
    }

    @Test
    void cvNoneAboveInstanceOneBreaksTheChain() throws IOException {
        List<String> fields = new ArrayList<>(chain(3));
        fields.set(3, as(2, "none"));
        assertThat(broken(fields)).isEqualTo("ARC-Seal i=2 has cv=none, not pass");
    }

    @Test
    void cvPassAtInstanceOneBreaksTheChain() throws IOException {
        List<String> fields = new ArrayList<>(chain(2));
        fields.set(3, as(1, "pass"));
        assertThat(broken(fields)).isEqualTo("ARC-Seal i=1 has cv=pass, not none");
    }

    @Test
    void aNewestSealWithCvFailEndsTheChain() throws IOException {
        List<String> fields = new ArrayList<>(chain(2));
        fields.set(0, as(2, "fail"));
        ArcStructure.Chain chain = read(fields);
        assertThat(chain).isEqualTo(new ArcStructure.Broken(2, "ARC-Seal i=2 says cv=fail"));
    }

    @Test
    void badInstanceTagsBreakTheChain() throws IOException {
        assertThat(broken(List.of(as(1, "none"), ams(1), "ARC-Authentication-Results: mx.example.net; none\r\n")))
                .isEqualTo("an ARC-Authentication-Results field without a valid i= tag");
        assertThat(broken(List.of(as(0, "none"))))
                .isEqualTo("an ARC-Seal field without a valid i= tag");
        assertThat(broken(List.of("ARC-Seal: i=1; i=1; cv=none\r\n")))
                .isEqualTo("an ARC-Seal field without a valid i= tag");
        assertThat(broken(List.of(as(1, "maybe"), ams(1), aar(1)))).isEqualTo("ARC-Seal i=1 has no valid cv=");
    }

    @Test
    void fieldNamesAreCaseInsensitive() throws IOException {
        List<String> fields = List.of(as(1, "none").replace("ARC-Seal", "arc-seal"),
                ams(1).replace("ARC-Message-Signature", "Arc-Message-Signature"), aar(1));
        assertThat(read(fields)).isInstanceOf(ArcStructure.Sets.class);
    }
}
