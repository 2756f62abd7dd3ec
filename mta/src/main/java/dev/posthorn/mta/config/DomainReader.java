package dev.posthorn.mta.config;

import dev.posthorn.mta.routing.LmtpTarget;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.routing.Names;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code domains} section: each domain as written first (a {@link Draft}), then the checks that look
 * across aliases and domains ({@link AliasCheck}), then the {@link LocalDomain} records.
 */
final class DomainReader {

    static final List<String> KEYS = List.of("mailboxes", "aliases", "catch_all", "plus_addressing", "delivery");
    static final List<String> DELIVERY_KEYS = List.of("maildir", "lmtp", "discard");
    static final String ANY_MAILBOX = "*";

    private final Path folder;

    DomainReader(Path folder) {
        this.folder = folder;
    }

    /**
     * A domain as written, before the cross checks.
     *
     * @param aliases  by lower-case local part
     * @param delivery empty when it could not be read (a problem has been recorded)
     */
    record Draft(String name, Mailboxes mailboxes, Map<String, Alias> aliases, Optional<Named> catchAll,
                 boolean plusAddressing, Optional<LocalDelivery> delivery) {

        /**
         * The mailbox or alias a local part of this domain reaches, plus addressing applied, as the router decides
         * it; empty if none.
         */
        Optional<String> lookup(String localPart) {
            if (aliases.containsKey(localPart) || isMailbox(localPart)) {
                return Optional.of(localPart);
            }
            int plus = localPart.indexOf(LocalDomain.PLUS);
            if (plusAddressing && plus > 0) {
                String base = localPart.substring(0, plus);
                if (aliases.containsKey(base) || isMailbox(base)) {
                    return Optional.of(base);
                }
            }
            return Optional.empty();
        }

        /**
         * As the router has it: only a plain name is a mailbox, and where any name is a mailbox and plus addressing is
         * on, {@code user+tag} is {@code user}, not a mailbox of its own (so {@code pl: pl+x} is {@code pl} pointing
         * to itself).
         */
        private boolean isMailbox(String localPart) {
            boolean tagged = plusAddressing && localPart.indexOf(LocalDomain.PLUS) >= 0;
            return Mailboxes.isPlainName(localPart) && mailboxes.contains(localPart)
                    && !(mailboxes instanceof Mailboxes.Any && tagged);
        }
    }

    /** An alias: its lower-case name, its key in the file, and its targets as written. */
    record Alias(String name, Value key, List<Named> targets) {
    }

    /** A name as written in the file, with where it was written. */
    record Named(String text, Value at) {
    }

    /** The local domains, keyed by lower-case name; empty when there were problems (they have been recorded). */
    Map<String, LocalDomain> read(Value value) {
        Optional<Section> section = value.section();
        if (section.isEmpty()) {
            return Map.of();
        }
        Map<String, Draft> drafts = new LinkedHashMap<>();
        section.get().domainKeyed().forEach((name, field) ->
                draft(name, field.value()).ifPresent(draft -> drafts.put(name, draft)));
        new AliasCheck(drafts).run();
        if (!value.problems().isEmpty()) {
            return Map.of();
        }
        Map<String, LocalDomain> domains = new LinkedHashMap<>();
        drafts.forEach((name, draft) -> domains.put(name, build(draft, drafts.keySet())));
        return domains;
    }

    private Optional<Draft> draft(String name, Value value) {
        Optional<Section> found = value.section();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Section section = found.get();
        section.allowOnly(KEYS);
        Optional<LocalDelivery> delivery = section.require("delivery").flatMap(this::delivery);
        Optional<LocalDelivery.Maildir> maildir = delivery.filter(LocalDelivery.Maildir.class::isInstance)
                .map(LocalDelivery.Maildir.class::cast);
        Mailboxes mailboxes = section.require("mailboxes").map(v -> mailboxes(v, maildir))
                .orElse(new Mailboxes.Listed(Set.of()));
        Map<String, Alias> aliases = section.get("aliases").map(this::aliases).orElse(Map.of());
        Optional<Named> catchAll = section.get("catch_all").flatMap(v -> localPart(v).map(t -> new Named(t, v)));
        boolean plus = section.get("plus_addressing").flatMap(Value::bool).orElse(Defaults.PLUS_ADDRESSING);
        return Optional.of(new Draft(name, mailboxes, aliases, catchAll, plus, delivery));
    }

    private Optional<LocalDelivery> delivery(Value value) {
        return value.section().flatMap(section -> {
            section.allowOnly(DELIVERY_KEYS);
            Optional<Value> maildir = section.get("maildir");
            Optional<Value> lmtp = section.get("lmtp");
            Optional<Value> discard = section.get("discard");
            int given = (maildir.isPresent() ? 1 : 0) + (lmtp.isPresent() ? 1 : 0) + (discard.isPresent() ? 1 : 0);
            if (given != 1) {
                value.problem(given > 1 ? "expected one of maildir, lmtp or discard, not several"
                        : "expected maildir or lmtp");
                return Optional.empty();
            }
            if (discard.isPresent()) {
                Optional<Boolean> on = discard.get().bool();
                if (on.isPresent() && !on.get()) {
                    discard.get().problem("discard can only be true; give maildir or lmtp instead");
                }
                return on.filter(Boolean::booleanValue).map(b -> new LocalDelivery.Discard());
            }
            return maildir.isPresent()
                    ? maildir.get().file(folder).map(LocalDelivery.Maildir::new)
                    : lmtp.get().parsed(LmtpTarget::parse).map(LocalDelivery.Lmtp::new);
        });
    }

    private Mailboxes mailboxes(Value value, Optional<LocalDelivery.Maildir> maildir) {
        if (!value.isList()) {
            Optional<String> text = value.string();
            if (text.isPresent() && !text.get().equals(ANY_MAILBOX)) {
                value.problem("expected a list of local parts or \"*\"");
            }
            return text.filter(ANY_MAILBOX::equals).isPresent() ? new Mailboxes.Any() : new Mailboxes.Listed(Set.of());
        }
        Set<String> names = new LinkedHashSet<>();
        for (Value item : value.list().orElse(List.of())) {
            localPart(item).ifPresent(name -> {
                if (!isFolderName(maildir, name)) {
                    item.problem("a Maildir mailbox name cannot contain '/' or '\\'");
                } else if (!names.add(name)) {
                    item.problem("mailbox " + name + " listed twice");
                }
            });
        }
        return new Mailboxes.Listed(names);
    }

    /** Whether the mailbox can be a Maildir folder, by the rule delivery itself applies. */
    private static boolean isFolderName(Optional<LocalDelivery.Maildir> maildir, String name) {
        try {
            maildir.ifPresent(m -> m.folderOf(name));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Map<String, Alias> aliases(Value value) {
        Map<String, Alias> aliases = new LinkedHashMap<>();
        value.section().ifPresent(section -> {
            for (Section.Field field : section.fields()) {
                Optional<String> name = localPart(field.key());
                if (name.isEmpty()) {
                    continue;
                }
                if (aliases.containsKey(name.get())) {
                    field.key().problem("alias " + name.get() + " listed twice");
                    continue;
                }
                aliases.put(name.get(), new Alias(name.get(), field.key(), targets(field.value())));
            }
        });
        return aliases;
    }

    private static List<Named> targets(Value value) {
        List<Value> items = value.isList() ? value.list().orElse(List.of()) : List.of(value);
        if (value.isList() && items.isEmpty()) {
            value.problem("an alias needs at least one target");
        }
        List<Named> targets = new ArrayList<>();
        for (Value item : items) {
            item.string().ifPresent(text -> targets.add(new Named(text, item)));
        }
        return targets;
    }

    private static Optional<String> localPart(Value value) {
        return value.parsed(text -> {
            Names.localPartProblem(text).ifPresent(reason -> {
                throw new IllegalArgumentException(reason + ": " + text);
            });
            return Names.canonicalLocalPart(text);
        });
    }

    private static LocalDomain build(Draft draft, Set<String> localDomains) {
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        draft.aliases().forEach((name, alias) -> aliases.put(name, alias.targets().stream()
                .map(target -> AliasCheck.address(target.text(), draft.name(), localDomains).written())
                .toList()));
        return new LocalDomain(draft.name(), draft.mailboxes(), aliases, draft.catchAll().map(Named::text),
                draft.plusAddressing(), draft.delivery().orElseThrow());
    }
}
