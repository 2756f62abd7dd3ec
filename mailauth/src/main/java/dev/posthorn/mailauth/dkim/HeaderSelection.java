package dev.posthorn.mailauth.dkim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which fields a list of signed field names stands for (RFC 6376 5.4.2): each name takes the last field of that name
 * not taken yet, from the bottom up; a name left over takes nothing. That is what makes oversigning work: naming
 * {@code From} once more than the message has {@code From} fields signs the absence of another one, so a
 * {@code From} added later (at the top, where readers look) breaks the signature.
 */
public final class HeaderSelection {

    private HeaderSelection() {
    }

    public static List<HeaderField> select(HeaderSection section, List<String> names) {
        Map<String, List<HeaderField>> byName = new HashMap<>();
        for (HeaderField field : section.fields()) {
            byName.computeIfAbsent(field.key(), k -> new ArrayList<>()).add(field);
        }
        Map<String, Integer> taken = new HashMap<>();
        List<HeaderField> selected = new ArrayList<>();
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            List<HeaderField> fields = byName.getOrDefault(key, List.of());
            int used = taken.merge(key, 1, Integer::sum);
            if (used <= fields.size()) {
                selected.add(fields.get(fields.size() - used));
            }
        }
        return selected;
    }

    /** The canonical form of the selected fields, in order, each with its line break (RFC 6376 3.7). */
    public static String canonical(HeaderSection section, List<String> names, Canonicalization canonicalization) {
        StringBuilder out = new StringBuilder();
        for (HeaderField field : select(section, names)) {
            out.append(canonicalization.header(field));
        }
        return out.toString();
    }
}
