package dev.posthorn.mta.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A domain this server is the final destination for (RFC 5321 2.3.5): its mailboxes, its aliases and how its mail
 * is delivered. Local parts are kept with ASCII letters in lower case ({@link #canonicalLocalPart}).
 *
 * @param name           the domain, in lower case
 * @param mailboxes      which local parts are mailboxes
 * @param aliases        local part to targets, in the order written; a target is a local part of this domain or a
 *                       full address {@code user@domain}; no alias is also a mailbox
 * @param catchAll       the mailbox that receives mail for unknown local parts, if any
 * @param plusAddressing whether {@code user+tag} is delivered to {@code user} (RFC 5233 subaddressing)
 * @param delivery       how mail for the mailboxes is delivered
 */
public record LocalDomain(String name, Mailboxes mailboxes, Map<String, List<String>> aliases,
                          Optional<String> catchAll, boolean plusAddressing, LocalDelivery delivery) {

    /** The separator between a user and a tag when plus addressing is on. */
    public static final char PLUS = '+';

    /**
     * The form local parts are kept and looked up in: ASCII letters in lower case, every other character as written
     * (no Unicode case mapping, which would merge distinct addresses; RFC 6531 3.3).
     */
    public static String canonicalLocalPart(String localPart) {
        return Names.canonicalLocalPart(localPart);
    }

    public LocalDomain {
        Objects.requireNonNull(mailboxes, "mailboxes");
        Objects.requireNonNull(catchAll, "catchAll");
        Objects.requireNonNull(delivery, "delivery");
        Names.domainProblem(name).ifPresent(reason -> {
            throw new IllegalArgumentException(reason + ": " + name);
        });
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("domain names are kept in lower case: " + name);
        }
        catchAll.flatMap(Names::localPartProblem).ifPresent(reason -> {
            throw new IllegalArgumentException("catch_all: " + reason);
        });
        Map<String, List<String>> copy = new LinkedHashMap<>();
        aliases.forEach((alias, targets) -> {
            Names.localPartProblem(alias).ifPresent(reason -> {
                throw new IllegalArgumentException(reason + ": " + alias);
            });
            if (mailboxes instanceof Mailboxes.Listed listed && listed.contains(alias)) {
                throw new IllegalArgumentException(alias + " is both a mailbox and an alias");
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("alias " + alias + " has no target");
            }
            copy.put(alias, List.copyOf(targets));
        });
        aliases = Collections.unmodifiableMap(copy);
    }

    /**
     * The local part a recipient's local part stands for: itself, or with plus addressing its part before the first
     * {@code +} ({@code user+tag} gives {@code user}).
     */
    public String baseLocalPart(String localPart) {
        int plus = localPart.indexOf(PLUS);
        return plusAddressing && plus > 0 ? localPart.substring(0, plus) : localPart;
    }
}
