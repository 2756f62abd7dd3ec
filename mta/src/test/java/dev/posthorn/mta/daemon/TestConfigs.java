package dev.posthorn.mta.daemon;

import dev.posthorn.mta.auth.PasswordHash;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.routing.LocalDelivery;
import dev.posthorn.mta.config.Dns;
import dev.posthorn.mta.config.Limits;
import dev.posthorn.mta.config.Listener;
import dev.posthorn.mta.routing.LocalDomain;
import dev.posthorn.mta.routing.Mailboxes;
import dev.posthorn.mta.config.Network;
import dev.posthorn.smtp.server.Tarpit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Daemon configurations for tests: one MX listener on a free port, everything under a temporary folder. */
final class TestConfigs {

    /**
     * DNS questions go to a loopback port where nothing answers, so mail for other domains is deferred quickly and
     * no test ever sends a packet to the machine's real resolver.
     */
    static final Dns LOOPBACK_DNS = new Dns(List.of(new InetSocketAddress("127.0.0.1", 9)), Duration.ofMillis(500));

    private TestConfigs() {
    }

    /**
     * The conformance setup: mx.posthorn.test, local domain posthorn.test with alice, bob and postmaster, messages
     * up to 1,000,000 octets, AUTH for alice/wonderland, relay only for authenticated users.
     */
    static Config conformance(Path dir) throws IOException {
        Path users = Files.writeString(dir.resolve("users.txt"),
                "alice:" + PasswordHash.hash("wonderland".toCharArray()) + "\n");
        LocalDomain domain = new LocalDomain("posthorn.test",
                new Mailboxes.Listed(Set.of("alice", "bob", "postmaster")),
                Map.of("team", List.of("alice", "bob"), "outside", List.of("carol@elsewhere.test")),
                Optional.empty(), true, new LocalDelivery.Maildir(dir.resolve("mail")));
        Config defaults = Config.defaults(dir);
        // No tarpit: the dialogues draw many 5xx from one untrusted client on purpose (the tarpit has its own tests).
        return new Config("mx.posthorn.test", dir.resolve("spool"),
                List.of(new Listener(InetAddress.getLoopbackAddress(), 0, Listener.Role.MX)), Optional.empty(),
                List.of(), new Limits(1_000_000, 100, 100, 50, 1), Map.of(domain.name(), domain),
                Optional.of(users), LOOPBACK_DNS, defaults.queue(), defaults.relay(), defaults.routes(),
                defaults.outbound()).withAbuseRules(Tarpit.OFF, defaults.dnsbl(), defaults.senders());
    }

    /** The same, with clients from loopback trusted to relay and a free-disk threshold. */
    static Config trusting(Path dir, long minFreeDisk) throws IOException {
        Config c = conformance(dir);
        return c.withTrust(List.of(Network.parse("127.0.0.0/8")), new Limits(1_000_000, 100, 100, 50, minFreeDisk));
    }
}
