package dev.posthorn.mta.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

import dev.posthorn.mailauth.dns.DnsClient;
import dev.posthorn.mta.tls.TestCa;
import dev.posthorn.mta.tls.Trust;
import dev.posthorn.smtp.testing.DnsResponder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS fetch of RFC 8461 3.3 against an in-test HTTPS server on 127.0.0.4, its name resolved by the in-test DNS
 * responder (never the system's resolver): what is accepted, and each thing that is refused.
 */
class PolicyFetcherTest {

    @TempDir
    Path dir;

    private final TestCa ca = TestCa.create("Posthorn Test CA");
    private DnsResponder dns;
    private PolicyServer https;
    private PolicyFetcher fetcher;

    @BeforeEach
    void start() throws Exception {
        dns = DnsResponder.builder().zone("example.net").a("mta-sts.example.net", "127.0.0.4")
                .zone("wrong.test").a("mta-sts.wrong.test", "127.0.0.4").start();
        https = PolicyServer.start("127.0.0.4", ca.serverContext("mta-sts.example.net"));
        fetcher = fetcher(Trust.fromPem(ca.writePem(dir.resolve("ca.pem"))));
    }

    private PolicyFetcher fetcher(Trust trust) {
        DnsClient client = DnsClient.plain(List.of(dns.address()), Duration.ofSeconds(2));
        return new PolicyFetcher(client, trust, https.port(), Duration.ofSeconds(3), Duration.ofSeconds(6));
    }

    @AfterEach
    void stop() throws Exception {
        fetcher.close();
        https.close();
        dns.close();
    }

    @Test
    void aPlainTextPolicyFromAnAuthenticatedHostIsReturned() throws Exception {
        https.serve(PolicyServer.policy("enforce", "mx.example.net"));
        assertThat(fetcher.fetch("example.net")).contains("mode: enforce");
        assertThat(dns.queries()).anyMatch(q -> q.name().equals("mta-sts.example.net") && q.type().equals("A"));
    }

    @Test
    void redirectsAreNotFollowed() {
        https.redirect("https://mta-sts.example.net:" + https.port() + "/elsewhere");
        assertThatIOException().isThrownBy(() -> fetcher.fetch("example.net"))
                .withMessageContaining("HTTP status 302").withMessageContaining("redirects are not followed");
        assertThat(https.requests()).isEqualTo(1);
    }

    @Test
    void anotherContentTypeIsRefused() {
        https.serve(PolicyServer.policy("enforce", "mx.example.net")).contentType("text/html");
        assertThatIOException().isThrownBy(() -> fetcher.fetch("example.net"))
                .withMessageContaining("Content-Type is not text/plain");
    }

    @Test
    void aBodyOver64KibIsRefused() {
        https.serve("version: STSv1\n" + "x".repeat(PolicyFetcher.MAX_BODY));
        assertThatIOException().isThrownBy(() -> fetcher.fetch("example.net"))
                .withMessageContaining("larger than 65536");
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        https.serve(PolicyServer.policy("enforce", "mx.example.net"));
        TestCa other = TestCa.create("Another CA");
        try (PolicyFetcher untrusting = fetcher(Trust.fromPem(other.writePem(dir.resolve("other.pem"))))) {
            assertThatIOException().isThrownBy(() -> untrusting.fetch("example.net"));
        }
        assertThat(https.requests()).isZero();
    }

    @Test
    void aCertificateForAnotherHostIsRefused() {
        https.serve(PolicyServer.policy("enforce", "mx.example.net"));
        assertThatIOException().isThrownBy(() -> fetcher.fetch("wrong.test"));
        assertThat(https.requests()).isZero();
    }

    @Test
    void aHostWithoutAddressFailsWithoutAskingTheSystemResolver() {
        assertThatIOException().isThrownBy(() -> fetcher.fetch("nowhere.example.net"))
                .withMessageContaining("mta-sts.nowhere.example.net");
    }
}
