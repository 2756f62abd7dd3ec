package dev.posthorn.mailauth.arc;

import dev.posthorn.mailauth.dkim.HeaderField;
import dev.posthorn.mailauth.dkim.HeaderSection;
import dev.posthorn.mailauth.dkim.TagList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The form of a message's ARC sets (RFC 8617 5.2 steps 1 to 4), checked before any key is looked up: every ARC field
 * names its instance, each instance 1..N has exactly one field of each kind, no instance is above 50 (RFC 8617
 * 4.2.1), the newest seal does not say {@code cv=fail}, and {@code cv=} is {@code none} at instance 1 and
 * {@code pass} above it.
 */
final class ArcStructure {

    /** RFC 8617 4.2.1: i= is at most 50. */
    static final int MAX_INSTANCE = 50;
    /** Three fields per instance: more cannot be a valid chain, and they are not read one by one. */
    static final int MAX_FIELDS = 3 * MAX_INSTANCE;

    static final String RESULTS = "ARC-Authentication-Results";
    static final String SIGNATURE = "ARC-Message-Signature";

    /** AAR: {@code i=N;} first, then the Authentication-Results value (RFC 8617 4.1.1). */
    private static final Pattern AAR_INSTANCE = Pattern.compile("\\A[ \\t\\r\\n]*i[ \\t\\r\\n]*=[ \\t\\r\\n]*"
            + "([0-9]{1,9})[ \\t\\r\\n]*;");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}");

    private ArcStructure() {
    }

    /** What a message's ARC fields amount to. */
    sealed interface Chain {
    }

    /** No ARC field at all: cv=none. */
    record Absent() implements Chain {
    }

    /**
     * Not a valid chain: cv=fail.
     *
     * @param highest the highest instance number read (0 when none could be read), where a sealer continues
     */
    record Broken(int highest, String reason) implements Chain {
    }

    /** Sets 1..N, well formed; their signatures not checked yet. */
    record Sets(List<ArcSet> sets) implements Chain {
        Sets {
            sets = List.copyOf(sets);
        }
    }

    /** One ARC field with its instance read. */
    private record Numbered(int instance, HeaderField field, Optional<TagList> tags) {
    }

    static Chain read(HeaderSection section) {
        List<HeaderField> fields = section.fields().stream()
                .filter(f -> f.is(RESULTS) || f.is(SIGNATURE) || f.is(Seal.NAME)).toList();
        if (fields.isEmpty()) {
            return new Absent();
        }
        if (fields.size() > MAX_FIELDS) {
            return new Broken(0, fields.size() + " ARC fields, more than 50 instances can have");
        }
        List<Numbered> numbered = new ArrayList<>();
        int highest = 0;
        for (HeaderField field : fields) {
            Optional<Numbered> n = number(field);
            if (n.isEmpty()) {
                return new Broken(highest, "an " + field.name() + " field without a valid i= tag");
            }
            highest = Math.max(highest, Math.min(n.get().instance(), MAX_INSTANCE + 1));
            numbered.add(n.get());
        }
        if (highest > MAX_INSTANCE) {
            return new Broken(highest, "instance above " + MAX_INSTANCE + " (RFC 8617 4.2.1)");
        }
        return group(numbered, highest);
    }

    /** The instance of a field: {@code i=} of the tag list, or the leading {@code i=N;} of an AAR. */
    private static Optional<Numbered> number(HeaderField field) {
        if (field.is(RESULTS)) {
            Matcher m = AAR_INSTANCE.matcher(field.value());
            return m.find() ? instance(m.group(1)).map(i -> new Numbered(i, field, Optional.empty()))
                    : Optional.empty();
        }
        try {
            TagList tags = TagList.parse(field.value());
            return tags.get("i").flatMap(ArcStructure::instance).map(i -> new Numbered(i, field, Optional.of(tags)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> instance(String text) {
        if (!NUMBER.matcher(text).matches()) {
            return Optional.empty();
        }
        int i = Integer.parseInt(text);
        return i >= 1 ? Optional.of(i) : Optional.empty();
    }

    /** RFC 8617 5.2 steps 2 to 4. */
    private static Chain group(List<Numbered> numbered, int highest) {
        TreeMap<Integer, Numbered[]> byInstance = new TreeMap<>();
        for (Numbered n : numbered) {
            Numbered[] slots = byInstance.computeIfAbsent(n.instance(), k -> new Numbered[3]);
            int slot = n.field().is(RESULTS) ? 0 : n.field().is(SIGNATURE) ? 1 : 2;
            if (slots[slot] != null) {
                return new Broken(highest, "two " + n.field().name() + " fields with i=" + n.instance());
            }
            slots[slot] = n;
        }
        List<ArcSet> sets = new ArrayList<>();
        for (int i = 1; i <= highest; i++) {
            Numbered[] slots = byInstance.get(i);
            if (slots == null || slots[0] == null || slots[1] == null || slots[2] == null) {
                return new Broken(highest, "ARC set " + i + " is incomplete or missing");
            }
            Optional<ArcResult.Status> cv = slots[2].tags().flatMap(t -> t.get("cv")).flatMap(ArcStructure::cv);
            if (cv.isEmpty()) {
                return new Broken(highest, "ARC-Seal i=" + i + " has no valid cv=");
            }
            sets.add(new ArcSet(i, slots[0].field(), slots[1].field(),
                    new Seal(slots[2].field(), slots[2].tags().orElseThrow(), i, cv.get())));
        }
        return checkCv(sets, highest);
    }

    /** RFC 8617 5.2 steps 3 and 4: the newest cv is not fail; none at instance 1, pass above. */
    private static Chain checkCv(List<ArcSet> sets, int highest) {
        if (sets.getLast().seal().cv() == ArcResult.Status.FAIL) {
            return new Broken(highest, "ARC-Seal i=" + highest + " says cv=fail");
        }
        for (ArcSet set : sets) {
            ArcResult.Status expected = set.instance() == 1 ? ArcResult.Status.NONE : ArcResult.Status.PASS;
            if (set.seal().cv() != expected) {
                return new Broken(highest, "ARC-Seal i=" + set.instance() + " has cv=" + set.seal().cv().keyword()
                        + ", not " + expected.keyword());
            }
        }
        return new Sets(sets);
    }

    private static Optional<ArcResult.Status> cv(String value) {
        return switch (value) {
            case "none" -> Optional.of(ArcResult.Status.NONE);
            case "pass" -> Optional.of(ArcResult.Status.PASS);
            case "fail" -> Optional.of(ArcResult.Status.FAIL);
            default -> Optional.empty();
        };
    }
}
