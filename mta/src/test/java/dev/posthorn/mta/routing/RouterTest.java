package dev.posthorn.mta.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.Mailbox;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Routing of recipients: mailboxes, aliases, plus-addressing, catch-all, postmaster, and tricks that never route. */
class RouterTest {

    private static final LocalDomain EXAMPLE = new LocalDomain("example.org",
            new Mailboxes.Listed(Set.of("alice", "bob")),
            Map.of("postmaster", List.of("alice"), "team", List.of("alice", "bob", "carol@elsewhere.test"),
                    "staff", List.of("team", "dave@other.org")),
            Optional.empty(), true, new LocalDelivery.Maildir(Path.of("/var/mail/example.org")));
    private static final LocalDomain OTHER = new LocalDomain("other.org", new Mailboxes.Listed(Set.of("dave")),
            Map.of(), Optional.of("dave"), false, new LocalDelivery.Maildir(Path.of("/var/mail/other.org")));
    private static final LocalDomain ANY = new LocalDomain("localhost", new Mailboxes.Any(), Map.of(),
            Optional.empty(), true, new LocalDelivery.Maildir(Path.of("/var/mail")));
    private static final LocalDomain BARE = new LocalDomain("bare.org", new Mailboxes.Listed(Set.of("zed", "amy")),
            Map.of(), Optional.empty(), false, new LocalDelivery.Maildir(Path.of("/var/mail/bare")));

    private final Router router = new Router(Map.of("example.org", EXAMPLE, "other.org", OTHER,
            "localhost", ANY, "bare.org", BARE), "example.org");

    private Route route(String address) {
        return router.route(ForwardPath.of(Mailbox.parse(address, true)));
    }

    private List<String> addresses(String address) {
        Route route = route(address);
        assertThat(route).as(address).isInstanceOf(Route.Local.class);
        return ((Route.Local) route).destinations().stream().map(Destination::address).toList();
    }

    @Test
    void mailboxRoutesToItself() {
        assertThat(addresses("alice@example.org")).containsExactly("alice@example.org");
        assertThat(addresses("ALICE@Example.ORG")).containsExactly("alice@example.org");
    }

    /**
     * A destination as the queue records it: a mailbox. A plain name that is no dot-atom (reached from a quoted RCPT
     * where every name is a mailbox) is quoted, and routes back to the same mailbox at delivery.
     */
    @Test
    void aDestinationIsAMailboxThatRoutesBackToItself() {
        Route route = route("\"a..b\"@localhost");
        assertThat(route).isInstanceOf(Route.Local.class);
        Destination destination = ((Route.Local) route).destinations().getFirst();
        assertThat(destination.path()).isEqualTo(Mailbox.parse("\"a..b\"@localhost", true));
        assertThat(router.route(ForwardPath.of(destination.path()))).isEqualTo(route);
        assertThat(((Route.Local) route("team@example.org")).destinations()).extracting(Destination::path)
                .containsExactly(Mailbox.parse("alice@example.org", false), Mailbox.parse("bob@example.org", false),
                        Mailbox.parse("carol@elsewhere.test", false));
    }

    @Test
    void aliasExpandsToLocalAndRemoteTargets() {
        assertThat(addresses("team@example.org"))
                .containsExactly("alice@example.org", "bob@example.org", "carol@elsewhere.test");
    }

    @Test
    void nestedAliasesExpandAcrossDomainsEachAddressOnce() {
        assertThat(addresses("staff@example.org"))
                .containsExactly("alice@example.org", "bob@example.org", "carol@elsewhere.test", "dave@other.org");
    }

    @Test
    void plusAddressingFindsTheUser() {
        assertThat(addresses("bob+lists@example.org")).containsExactly("bob@example.org");
        assertThat(addresses("team+x@example.org")).hasSize(3);
        assertThat(route("nobody+x@example.org")).isInstanceOf(Route.Unknown.class);
    }

    @Test
    void catchAllTakesUnknownNames() {
        assertThat(addresses("whoever@other.org")).containsExactly("dave@other.org");
    }

    @Test
    void unknownLocalUserIsUnknown() {
        assertThat(route("mallory@example.org")).isInstanceOf(Route.Unknown.class);
    }

    @Test
    void otherDomainsAreRemote() {
        assertThat(route("alice@elsewhere.test")).isInstanceOf(Route.Remote.class);
        assertThat(route("alice@[192.0.2.1]")).isInstanceOf(Route.Remote.class);
    }

    @Test
    void postmasterIsAlwaysAccepted() {
        assertThat(addresses("postmaster@example.org")).containsExactly("alice@example.org");
        assertThat(addresses("PostMaster@bare.org")).containsExactly("amy@bare.org");
        assertThat(((Route.Local) router.route(ForwardPath.POSTMASTER)).destinations())
                .extracting(Destination::address).containsExactly("alice@example.org");
    }

    @Test
    void anyNameIsAMailboxWhereConfigured() {
        assertThat(addresses("user@localhost")).containsExactly("user@localhost");
        assertThat(addresses("user+tag@localhost")).containsExactly("user@localhost");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"../../etc\"@localhost", "\"a/b\"@localhost", "a/b@localhost", ".hidden@localhost",
        "\"user@elsewhere.test\"@localhost", "user%elsewhere.test@localhost", "elsewhere.test!user@localhost",
        "\"user@elsewhere.test\"@example.org", "user%elsewhere.test@example.org"})
    void namesThatAreNotPlainNeverBecomeMailboxes(String address) {
        Mailbox mailbox;
        try {
            mailbox = Mailbox.parse(address, true);
        } catch (IllegalArgumentException e) {
            return; // not even an address
        }
        assertThat(router.route(ForwardPath.of(mailbox))).as(address).isInstanceOf(Route.Unknown.class);
    }

    @Test
    void localDomainsAreRecognisedInAnyCase() {
        assertThat(router.isLocalDomain("EXAMPLE.org")).isTrue();
        assertThat(router.isLocalDomain("elsewhere.test")).isFalse();
    }

    @Test
    void onlyAsciiLettersAreFolded() {
        // U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S lower-case or fold to ASCII k and s in Unicode.
        Router kate = new Router(Map.of("example.org", new LocalDomain("example.org",
                new Mailboxes.Listed(Set.of("kate", "sam")), Map.of("\u00e9quipe", List.of("kate")),
                Optional.empty(), true, new LocalDelivery.Maildir(Path.of("/var/mail/example.org")))), "example.org");
        assertThat(kate.route("\u212Aate", "example.org")).isInstanceOf(Route.Unknown.class);
        assertThat(kate.route("\u212Aate+x", "example.org")).isInstanceOf(Route.Unknown.class);
        assertThat(kate.route("\u017Fam", "example.org")).isInstanceOf(Route.Unknown.class);
        assertThat(kate.route("KATE", "example.org")).isInstanceOf(Route.Local.class);
        assertThat(kate.route("\u00e9quipe", "example.org")).as("non-ASCII matches exactly")
                .isInstanceOf(Route.Local.class);
        assertThat(kate.route("\u00c9quipe", "example.org")).as("and only exactly").isInstanceOf(Route.Unknown.class);
        assertThat(kate.route("kate", "EXAMPLE.ORG")).isInstanceOf(Route.Local.class);
        assertThat(kate.isLocalDomain("example.org")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pl", "pl+x", "pl+y", "PL+x"})
    void aliasLoopingThroughPlusAddressingIsUnknownNeverForwarded(String localPart) {
        // pl: pl+x; pl+x is pl again by plus addressing: a loop that must never leave as mail to the domain's MX.
        Router router = new Router(Map.of("example.org", new LocalDomain("example.org", new Mailboxes.Any(),
                Map.of("pl", List.of("pl+x")), Optional.empty(), true,
                new LocalDelivery.Maildir(Path.of("/var/mail/example.org")))), "example.org");
        assertThat(router.route(localPart, "example.org")).isInstanceOf(Route.Unknown.class);
    }

    @Test
    void aliasToAnUnknownNameOfALocalDomainIsNeverForwarded() {
        Router router = new Router(Map.of("example.org", new LocalDomain("example.org",
                new Mailboxes.Listed(Set.of("alice")), Map.of("team", List.of("alice", "ghost@example.org")),
                Optional.empty(), true, new LocalDelivery.Maildir(Path.of("/var/mail/example.org")))), "example.org");
        Route route = router.route("team", "example.org");
        if (route instanceof Route.Local local) {
            assertThat(local.destinations()).noneMatch(d -> d instanceof Destination.Forward);
        } else {
            assertThat(route).isInstanceOf(Route.Unknown.class);
        }
    }

    @Test
    void anAliasToANameThatCannotBeAMailboxIsUnknownNotForwarded() {
        Router router = new Router(Map.of("example.org", new LocalDomain("example.org", new Mailboxes.Any(),
                Map.of("team", List.of("alice", "o'brien")), Optional.empty(), true,
                new LocalDelivery.Maildir(Path.of("/var/mail/example.org")))), "example.org");
        assertThat(router.route("team", "example.org")).isInstanceOf(Route.Unknown.class);
        assertThat(router.route("alice", "example.org")).isInstanceOf(Route.Local.class);
    }
}
