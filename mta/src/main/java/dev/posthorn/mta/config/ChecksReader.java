package dev.posthorn.mta.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads the {@code checks} section; a key missing from it takes its value from the defaults. */
final class ChecksReader {

    static final List<String> KEYS = List.of("spf", "dkim", "dmarc", "reject_spf_fail", "dmarc_reject",
            "defer_on_temperror", "public_suffix_list");

    private ChecksReader() {
    }

    static Checks read(Value value, Path folder, Checks defaults) {
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return defaults;
        }
        Section section = found.get();
        section.allowOnly(KEYS);
        boolean spf = flag(section, "spf", defaults.spf());
        boolean dkim = flag(section, "dkim", defaults.dkim());
        boolean dmarc = flag(section, "dmarc", defaults.dmarc());
        boolean rejectSpfFail = flag(section, "reject_spf_fail", defaults.rejectSpfFail());
        boolean dmarcReject = flag(section, "dmarc_reject", defaults.dmarcReject());
        boolean defer = flag(section, "defer_on_temperror", defaults.deferOnTemperror());
        Optional<Path> list = section.get("public_suffix_list").isPresent()
                ? section.get("public_suffix_list").flatMap(v -> v.file(folder)) : defaults.publicSuffixList();
        Optional<String> problem = Checks.problem(spf, dkim, dmarc, rejectSpfFail, dmarcReject);
        if (problem.isPresent()) {
            section.self().problem(problem.get());
            return defaults;
        }
        return new Checks(spf, dkim, dmarc, rejectSpfFail, dmarcReject, defer, list);
    }

    private static boolean flag(Section section, String key, boolean fallback) {
        return section.get(key).flatMap(Value::bool).orElse(fallback);
    }
}
