package dev.posthorn.mta.config;

import dev.posthorn.mta.config.DomainReader.Alias;
import dev.posthorn.mta.config.DomainReader.Draft;
import dev.posthorn.mta.config.DomainReader.Named;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.routing.Names;
import dev.posthorn.smtp.Mailbox;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks that look across aliases and domains: every alias target that stays on this server must reach a
 * mailbox or an alias, no alias may be a mailbox too, and no chain of aliases may come back to where it started
 * (a loop would bounce every message sent to it, RFC 5321 6.3). Targets in other domains are not checked: they
 * are the other server's business.
 */
final class AliasCheck {

    private static final int ON_PATH = 1;
    private static final int DONE = 2;

    private final Map<String, Draft> drafts;
    /** From {@code alias@domain} to the aliases its targets reach, with where each target is written. */
    private final Map<String, List<Edge>> edges = new LinkedHashMap<>();

    private record Edge(String to, Named target) {
    }

    private record Frame(String id, Iterator<Edge> next) {
    }

    /**
     * An alias target, normalized.
     *
     * @param localPart lower case when the domain is local, as written otherwise (RFC 5321 2.4)
     * @param domain    lower case
     * @param local     whether the domain is one of this server's
     * @param bare      whether it was written as a local part alone
     */
    record Address(String localPart, String domain, boolean local, boolean bare) {

        /** The form kept in {@link LocalDomain#aliases()}: a local part alone, or {@code local@domain}. */
        String written() {
            return bare ? localPart : localPart + "@" + domain;
        }
    }

    AliasCheck(Map<String, Draft> drafts) {
        this.drafts = drafts;
    }

    /**
     * Normalizes an alias target of {@code domain}.
     *
     * @throws IllegalArgumentException if it is neither a local part nor an address
     */
    static Address address(String text, String domain, Set<String> localDomains) {
        if (text.indexOf('@') < 0) {
            Names.localPartProblem(text).ifPresent(reason -> {
                throw new IllegalArgumentException(reason + ": " + text);
            });
            return new Address(Names.canonicalLocalPart(text), domain, true, true);
        }
        Mailbox mailbox = Mailbox.parse(text, true);
        String host = mailbox.host().text().toLowerCase(Locale.ROOT);
        boolean local = localDomains.contains(host);
        return new Address(local ? Names.canonicalLocalPart(mailbox.localPart()) : mailbox.localPart(), host, local,
                false);
    }

    void run() {
        for (Draft draft : drafts.values()) {
            for (Alias alias : draft.aliases().values()) {
                if (draft.mailboxes() instanceof Mailboxes.Listed listed && listed.contains(alias.name())) {
                    alias.key().problem(alias.name() + " is both a mailbox and an alias");
                }
                for (Named target : alias.targets()) {
                    follow(draft, alias, target);
                }
            }
            draft.catchAll().filter(catchAll -> draft.lookup(catchAll.text()).isEmpty()).ifPresent(catchAll ->
                    catchAll.at().problem(catchAll.text() + " is neither a mailbox nor an alias of " + draft.name()));
        }
        findLoops();
    }

    private void follow(Draft draft, Alias alias, Named target) {
        Address address;
        try {
            address = address(target.text(), draft.name(), drafts.keySet());
        } catch (IllegalArgumentException e) {
            target.at().problem(e.getMessage());
            return;
        }
        if (!address.local()) {
            return;
        }
        Draft to = drafts.get(address.domain());
        Optional<String> reached = to.lookup(address.localPart());
        if (reached.isEmpty()) {
            target.at().problem(address.localPart() + " is neither a mailbox nor an alias of " + to.name());
            return;
        }
        String from = alias.name() + "@" + draft.name();
        String id = reached.get() + "@" + to.name();
        if (id.equals(from)) {
            target.at().problem("alias " + alias.name() + " points to itself");
        } else if (to.aliases().containsKey(reached.get())) {
            edges.computeIfAbsent(from, key -> new ArrayList<>()).add(new Edge(id, target));
        }
    }

    /** Depth-first search with an explicit stack: a long chain of aliases must not overflow the thread's stack. */
    private void findLoops() {
        Map<String, Integer> state = new HashMap<>();
        for (String start : edges.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            Deque<Frame> path = new ArrayDeque<>();
            state.put(start, ON_PATH);
            path.push(new Frame(start, edges.get(start).iterator()));
            while (!path.isEmpty()) {
                Frame top = path.peek();
                if (!top.next().hasNext()) {
                    state.put(top.id(), DONE);
                    path.pop();
                    continue;
                }
                Edge edge = top.next().next();
                Integer seen = state.get(edge.to());
                if (seen == null) {
                    state.put(edge.to(), ON_PATH);
                    path.push(new Frame(edge.to(), edges.getOrDefault(edge.to(), List.of()).iterator()));
                } else if (seen == ON_PATH) {
                    reportLoop(path, edge);
                }
            }
        }
    }

    private static void reportLoop(Deque<Frame> path, Edge closing) {
        List<String> ids = new ArrayList<>();
        path.descendingIterator().forEachRemaining(frame -> ids.add(frame.id()));
        List<String> loop = new ArrayList<>(ids.subList(ids.indexOf(closing.to()), ids.size()));
        loop.add(closing.to());
        closing.target().at().problem("alias loop: " + String.join(" -> ", loop));
    }
}
