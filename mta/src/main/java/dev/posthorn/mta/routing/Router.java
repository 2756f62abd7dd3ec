package dev.posthorn.mta.routing;

import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.Mailbox;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides the {@link Route} of a recipient from the local domains of the configuration: mailboxes, aliases (to
 * local or remote addresses, several targets, nested), plus-addressing ({@code user+tag} is {@code user}), the
 * catch-all, and {@code postmaster}, which every local domain accepts (RFC 5321 4.5.1).
 */
public final class Router {

    private static final int MAX_DEPTH = 10;

    private final Map<String, LocalDomain> domains;
    private final String primaryDomain;

    /**
     * @param domains  the local domains by lower-case name
     * @param hostname this MTA's name: the bare {@code <Postmaster>} goes to its postmaster when it is a local
     *                 domain, else to the first local domain's
     */
    public Router(Map<String, LocalDomain> domains, String hostname) {
        this.domains = new TreeMap<>(domains);
        String host = hostname.toLowerCase(Locale.ROOT);
        this.primaryDomain = this.domains.containsKey(host) || this.domains.isEmpty()
                ? host : this.domains.keySet().iterator().next();
    }

    /** The postmaster of this MTA's primary domain: where notices about undeliverable reports go. */
    public String postmaster() {
        return "postmaster@" + primaryDomain;
    }

    public boolean isLocalDomain(String domain) {
        return domains.containsKey(domain.toLowerCase(Locale.ROOT));
    }

    public Route route(ForwardPath path) {
        if (path.isBarePostmaster()) {
            return route("postmaster", primaryDomain);
        }
        Mailbox mailbox = path.mailbox();
        return mailbox.domain() == null ? new Route.Remote()
                : route(mailbox.unquotedLocalPart(), mailbox.domain().text());
    }

    /** Routes {@code localPart@domain}, e.g. an address read back from the queue. */
    public Route route(String localPart, String domain) {
        LocalDomain local = domains.get(domain.toLowerCase(Locale.ROOT));
        if (local == null) {
            return new Route.Remote();
        }
        Set<Destination> out = new LinkedHashSet<>();
        if (!expand(local, LocalDomain.canonicalLocalPart(localPart), out, 0)) {
            return new Route.Unknown();
        }
        return new Route.Local(new ArrayList<>(out));
    }

    /** Adds the destinations of {@code name} in {@code domain}; false when it reaches no mailbox there. */
    private boolean expand(LocalDomain domain, String name, Set<Destination> out, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        List<String> alias = domain.aliases().get(name);
        if (alias != null) {
            Set<Destination> targets = new LinkedHashSet<>(); // all or nothing: no half of a broken alias
            for (String target : alias) {
                if (!addTarget(domain, target, targets, depth + 1)) {
                    return false;
                }
            }
            out.addAll(targets);
            return true;
        }
        if (isMailbox(domain, name)) {
            out.add(new Destination.Mailbox(domain, name));
            return true;
        }
        int plus = name.indexOf('+');
        if (domain.plusAddressing() && plus > 0 && expand(domain, name.substring(0, plus), out, depth + 1)) {
            return true;
        }
        if (domain.catchAll().isPresent()) {
            return addTarget(domain, domain.catchAll().get(), out, depth + 1);
        }
        return name.equals("postmaster") && postmasterFallback(domain, out);
    }

    /**
     * Whether {@code name} is a mailbox: a listed one, or, where any name is a mailbox, a plain name without the
     * plus-addressing separator (so {@code user+tag} still means {@code user}).
     */
    private static boolean isMailbox(LocalDomain domain, String name) {
        if (!Mailboxes.isPlainName(name) || !domain.mailboxes().contains(name)) {
            return false;
        }
        return !(domain.mailboxes() instanceof Mailboxes.Any) || !domain.plusAddressing() || name.indexOf('+') < 0;
    }

    /**
     * An alias or catch-all target: a name in the same domain, or a full address (local or elsewhere). False when it
     * is in a local domain and reaches no mailbox there (unknown, or a loop cut at {@link #MAX_DEPTH}): a local
     * domain's address is never forwarded outward, where its MX would be this server again or a backup MX.
     */
    private boolean addTarget(LocalDomain domain, String target, Set<Destination> out, int depth) {
        int at = target.lastIndexOf('@');
        String name = LocalDomain.canonicalLocalPart(at < 0 ? target : target.substring(0, at));
        LocalDomain targetDomain = at < 0 ? domain : domains.get(target.substring(at + 1).toLowerCase(Locale.ROOT));
        if (targetDomain == null) {
            out.add(new Destination.Forward(target));
            return true;
        }
        return expand(targetDomain, name, out, depth);
    }

    /** RFC 5321 4.5.1: postmaster is accepted even where the configuration forgot it: the first mailbox gets it. */
    private boolean postmasterFallback(LocalDomain domain, Set<Destination> out) {
        if (domain.mailboxes() instanceof Mailboxes.Listed listed) {
            Optional<String> first = listed.localParts().stream().sorted().findFirst();
            if (first.isPresent()) {
                out.add(new Destination.Mailbox(domain, first.get()));
                return true;
            }
        }
        Optional<String> alias = domain.aliases().keySet().stream().sorted().findFirst();
        return alias.isPresent() && expand(domain, alias.get(), out, MAX_DEPTH - 1);
    }
}
