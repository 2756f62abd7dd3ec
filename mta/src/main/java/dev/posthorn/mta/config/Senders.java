package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.Names;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which envelope senders (MAIL FROM) each authenticated user may use, where the default is not enough. A user listed
 * here may use exactly the listed addresses ({@code sales@example.org}, and its {@code +tag} forms) and any address
 * of the listed whole domains ({@code @example.net}); a user not listed may use their own name at each local domain
 * (or their name itself, when it is an address). Anything else gets {@code 553 5.7.1}.
 *
 * @param byUser the entries of each user, user names and entries in lower case, in the order written
 */
public record Senders(Map<String, List<String>> byUser) {

    /** No user has entries: everybody gets the default. */
    public static final Senders NONE = new Senders(Map.of());

    public Senders {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        byUser.forEach((user, entries) -> {
            userProblem(user).ifPresent(reason -> {
                throw new IllegalArgumentException("senders: " + reason + ": " + user);
            });
            if (!user.equals(user.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("senders: user names are kept in lower case: " + user);
            }
            for (String entry : entries) {
                entryProblem(entry).ifPresent(reason -> {
                    throw new IllegalArgumentException("senders." + user + ": " + reason + ": " + entry);
                });
                if (!entry.equals(entry.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("senders." + user + ": entries are kept in lower case: "
                            + entry);
                }
            }
            copy.put(user, List.copyOf(entries));
        });
        byUser = Collections.unmodifiableMap(copy);
    }

    /** The entries of {@code user} (any case), if the user is listed. */
    public Optional<List<String>> of(String user) {
        return Optional.ofNullable(byUser.get(user.toLowerCase(Locale.ROOT)));
    }

    /** Why {@code user} cannot be a user name (as the users file and AUTH have them), if it cannot. */
    static Optional<String> userProblem(String user) {
        if (user.isEmpty()) {
            return Optional.of("empty user name");
        }
        if (user.chars().anyMatch(c -> c <= 0x20 || c == 0x7f || c == ':')) {
            return Optional.of("a user name has no spaces, control characters or colons");
        }
        return Optional.empty();
    }

    /** Why {@code entry} is neither {@code local@domain} nor {@code @domain}, if it is not. */
    static Optional<String> entryProblem(String entry) {
        int at = entry.lastIndexOf('@');
        if (at < 0) {
            return Optional.of("expected an address (user@domain) or a whole domain (@domain)");
        }
        Optional<String> domain = Names.domainProblem(entry.substring(at + 1));
        if (domain.isPresent() || at == 0) {
            return domain;
        }
        return Names.localPartProblem(entry.substring(0, at));
    }
}
