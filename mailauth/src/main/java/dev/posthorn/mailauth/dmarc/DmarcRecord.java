package dev.posthorn.mailauth.dmarc;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A DMARC policy record (RFC 7489 6.3), the tags that decide what happens to a message and where aggregate reports
 * go. Failure reports ({@code ruf}, {@code rf}) are not sent, so those tags are not kept; {@code ri} is a request
 * that the reporting interval of the configuration answers for every domain alike (RFC 7489 7.2: at least daily).
 *
 * @param policy          {@code p}: for the domain itself
 * @param subdomainPolicy {@code sp}: for names below it; empty means {@code p}
 * @param strictDkim      {@code adkim=s}
 * @param strictSpf       {@code aspf=s}
 * @param percent         {@code pct}: the share of failing mail the policy applies to, 0 to 100
 * @param aggregate       {@code rua}: where aggregate reports go, the URIs Posthorn can use ({@code mailto:})
 * @param failureOptions  {@code fo} as written, {@code 0} when absent; only echoed in aggregate reports
 */
public record DmarcRecord(Policy policy, Optional<Policy> subdomainPolicy, boolean strictDkim, boolean strictSpf,
                          int percent, List<ReportUri> aggregate, String failureOptions) {

    private static final Pattern TAG = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^\\s,!]+(?:![0-9]+[kmgt]?)?");
    /** {@code fo} (RFC 7489 6.3): options from {@code 0 1 d s} separated by colons; echoed only when it is that. */
    private static final Pattern FO = Pattern.compile("[01ds](?::[01ds]){0,3}");

    public DmarcRecord {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("pct is 0 to 100");
        }
        aggregate = List.copyOf(aggregate);
        java.util.Objects.requireNonNull(failureOptions, "failureOptions");
    }

    /** A record that asks for no reports. */
    public DmarcRecord(Policy policy, Optional<Policy> subdomainPolicy, boolean strictDkim, boolean strictSpf,
                       int percent) {
        this(policy, subdomainPolicy, strictDkim, strictSpf, percent, List.of(), "0");
    }

    /** The requested handling of failing mail (RFC 7489 6.3, {@code p}). */
    public enum Policy {
        NONE, QUARANTINE, REJECT;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The next weaker policy, for mail outside {@code pct} (RFC 7489 6.6.4). */
        Policy weaker() {
            return this == REJECT ? QUARANTINE : NONE;
        }

        static Optional<Policy> parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "none" -> Optional.of(NONE);
                case "quarantine" -> Optional.of(QUARANTINE);
                case "reject" -> Optional.of(REJECT);
                default -> Optional.empty();
            };
        }
    }

    /** Whether a TXT record is a DMARC record: its first tag is {@code v=DMARC1} (RFC 7489 6.6.3). */
    static boolean isDmarc(String txt) {
        String[] first = txt.split(";", 2)[0].split("=", 2);
        return first.length == 2 && first[0].strip().equalsIgnoreCase("v") && first[1].strip().equals("DMARC1");
    }

    /**
     * Reads a record {@link #isDmarc} accepted. Unknown tags are ignored (RFC 7489 6.3). A missing or invalid
     * {@code p} or an invalid {@code sp} makes the record count as {@code p=none} when {@code rua} names a valid URI,
     * and as no record otherwise (6.6.3 step 6).
     *
     * @return empty when the record is to be treated as absent
     */
    static Optional<DmarcRecord> parse(String txt) {
        Map<String, String> tags = new HashMap<>();
        for (String item : txt.split(";")) {
            if (item.isBlank()) {
                continue;
            }
            String[] pair = item.split("=", 2);
            String name = pair[0].strip().toLowerCase(Locale.ROOT);
            if (pair.length != 2 || !TAG.matcher(name).matches()) {
                return Optional.empty();   // not a tag-list (RFC 7489 6.4)
            }
            tags.putIfAbsent(name, pair[1].strip());
        }
        Optional<Policy> p = Optional.ofNullable(tags.get("p")).flatMap(Policy::parse);
        Optional<Policy> sp = Optional.ofNullable(tags.get("sp")).flatMap(Policy::parse);
        boolean badSp = tags.containsKey("sp") && sp.isEmpty();
        if (p.isEmpty() || badSp) {
            if (!hasValidUri(tags.get("rua"))) {
                return Optional.empty();
            }
            p = Optional.of(Policy.NONE);
            sp = Optional.empty();
        }
        String fo = tags.getOrDefault("fo", "0");
        return Optional.of(new DmarcRecord(p.get(), sp, "s".equalsIgnoreCase(tags.get("adkim")),
                "s".equalsIgnoreCase(tags.get("aspf")), percent(tags.get("pct")),
                ReportUri.parseList(tags.getOrDefault("rua", "")),
                FO.matcher(fo).matches() ? fo : "0"));
    }

    /** {@code pct}: an integer 0 to 100; anything else is taken as the default, 100. */
    private static int percent(String value) {
        if (value == null || value.isEmpty() || value.length() > 3 || !value.chars().allMatch(Character::isDigit)) {
            return 100;
        }
        int pct = Integer.parseInt(value);
        return pct > 100 ? 100 : pct;
    }

    private static boolean hasValidUri(String rua) {
        if (rua == null) {
            return false;
        }
        for (String uri : rua.split(",")) {
            if (URI.matcher(uri.strip()).matches()) {
                return true;
            }
        }
        return false;
    }
}
