package dev.posthorn.mta.config;

import static dev.posthorn.mta.config.ConfigFiles.load;
import static dev.posthorn.mta.config.ConfigFiles.onlyProblem;
import static dev.posthorn.mta.config.ConfigFiles.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.posthorn.mta.routing.LocalDelivery;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules for local domains: names, mailboxes, aliases and delivery. */
class DomainValidationTest {

    @TempDir
    Path dir;

    @Test
    void domainNameMustBeValid() {
        onlyProblem(dir, """
                domains:
                  example..org:
                    mailboxes: "*"
                    delivery: { maildir: mail }
                """, 2, "domains.example..org", "not a valid domain name");
    }

    @Test
    void domainNamesAreUniqueCaseInsensitively() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    delivery: { maildir: mail }
                  Example.ORG:
                    mailboxes: "*"
                    delivery: { maildir: mail2 }
                """, 5, "domains.Example.ORG", "domain listed twice (first at line 2)");
    }

    @Test
    void unknownDomainKeyIsReportedWithItsPath() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    mailbox: [ alice ]
                    delivery: { maildir: mail }
                """, 4, "domains.example.org.mailbox", "unknown key");
    }

    @Test
    void mailboxLocalPartMustBeADotAtom() {
        List<Problem> problems = problems(dir, """
                domains:
                  example.org:
                    mailboxes:
                      - alice
                      - a..b
                      - "john doe"
                      - .alice
                    delivery: { maildir: mail }
                """);
        assertThat(problems).extracting(Problem::line).containsExactly(5, 6, 7);
        assertThat(problems).extracting(Problem::key).containsExactly("domains.example.org.mailboxes[1]",
                "domains.example.org.mailboxes[2]", "domains.example.org.mailboxes[3]");
        assertThat(problems).allSatisfy(p -> assertThat(p.reason()).contains("not a dot-atom local part"));
    }

    @Test
    void mailboxListedTwiceIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice, Alice ]
                    delivery: { maildir: mail }
                """, 3, "domains.example.org.mailboxes[1]", "mailbox alice listed twice");
    }

    @Test
    void mailboxesMustBeAListOrStar() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: all
                    delivery: { maildir: mail }
                """, 3, "domains.example.org.mailboxes", "expected a list of local parts or \"*\"");
    }

    @Test
    void maildirMailboxWithASlashIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ a/b ]
                    delivery: { maildir: mail }
                """, 3, "domains.example.org.mailboxes[0]", "cannot contain '/'");
    }

    @Test
    void aliasPointingToItselfIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    aliases:
                      postmaster: [ alice, Postmaster ]
                    delivery: { maildir: mail }
                """, 5, "domains.example.org.aliases.postmaster[1]", "points to itself");
    }

    @Test
    void aliasTargetMustBeAMailboxOrAliasOfTheDomain() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice ]
                    aliases:
                      postmaster: alice
                      team: [ postmaster, carol ]
                    delivery: { maildir: mail }
                """, 6, "domains.example.org.aliases.team[1]", "carol is neither a mailbox nor an alias");
    }

    @Test
    void aliasTargetInAnotherLocalDomainMustExistThere() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice ]
                    aliases: { team: [ alice, bob@example.net ] }
                    delivery: { maildir: mail }
                  example.net:
                    mailboxes: [ carol ]
                    delivery: { maildir: mail }
                """, 4, "domains.example.org.aliases.team[1]", "bob is neither a mailbox nor an alias of example.net");
    }

    @Test
    void anyLocalPartIsAMailboxWhenMailboxesIsStar() throws Exception {
        Config config = load(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    aliases: { team: [ carol, dave ] }
                    delivery: { maildir: mail }
                """);
        assertThat(config.domains().get("example.org").aliases().get("team")).containsExactly("carol", "dave");
    }

    @Test
    void aliasTargetAddressMustBeValid() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice ]
                    aliases: { team: [ alice, "bob@" ] }
                    delivery: { maildir: mail }
                """, 4, "domains.example.org.aliases.team[1]", "empty domain");
    }

    @Test
    void aliasWithoutTargetsIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice ]
                    aliases: { team: [] }
                    delivery: { maildir: mail }
                """, 4, "domains.example.org.aliases.team", "at least one target");
    }

    @Test
    void aliasLoopIsRefused() {
        Problem problem = onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice ]
                    aliases:
                      a: b
                      b: [ alice, c ]
                      c: a
                    delivery: { maildir: mail }
                """, 7, "domains.example.org.aliases.c", "alias loop");
        assertThat(problem.reason()).isEqualTo("alias loop: a@example.org -> b@example.org -> c@example.org"
                + " -> a@example.org");
    }

    @Test
    void aliasLoopingThroughPlusAddressingIsRefused() {
        // With every name a mailbox, pl+x is no mailbox of its own but pl again (plus addressing): pl -> pl.
        Problem problem = onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    plus_addressing: true
                    aliases:
                      pl: pl+x
                    delivery: { maildir: mail }
                """, 6, "domains.example.org.aliases.pl", "points to itself");
        assertThat(problem.column()).isEqualTo(11);
        assertThat(problem.toString()).contains(":6:11: domains.example.org.aliases.pl: alias pl points to itself");
    }

    @Test
    void aliasLoopThroughPlusAddressingAcrossAliasesIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    aliases:
                      a: b+x
                      b: [ a+y ]
                    delivery: { maildir: mail }
                """, 6, "domains.example.org.aliases.b[0]", "alias loop: a@example.org -> b@example.org");
    }

    @Test
    void aliasTargetTheRouterCannotDeliverToIsRefusedWhereAnyNameIsAMailbox() {
        // Routing delivers only to plain names ([a-z0-9][a-z0-9._+-]*): this target would never reach a mailbox.
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    aliases:
                      team: [ alice, "o'brien" ]
                    delivery: { maildir: mail }
                """, 5, "domains.example.org.aliases.team[1]", "o'brien is neither a mailbox nor an alias");
    }

    @Test
    void aliasLoopAcrossDomainsIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    aliases: { sales: sales@example.net }
                    delivery: { maildir: mail }
                  example.net:
                    mailboxes: "*"
                    aliases: { sales: Sales@Example.org }
                    delivery: { maildir: mail }
                """, 8, "domains.example.net.aliases.sales", "alias loop");
    }

    @Test
    void aLongAliasChainIsFollowedWithoutOverflowingTheStack() throws Exception {
        StringBuilder yaml = new StringBuilder("domains:\n  example.org:\n    mailboxes: [ end ]\n    aliases:\n");
        int length = 20_000;
        for (int i = 0; i < length; i++) {
            yaml.append("      a").append(i).append(": ").append(i + 1 < length ? "a" + (i + 1) : "end").append('\n');
        }
        yaml.append("    delivery: { maildir: mail }\n");
        assertThat(load(dir, yaml.toString()).domains().get("example.org").aliases()).hasSize(length);
        String loop = yaml.toString().replace(": end\n", ": a0\n");
        assertThat(problems(dir, loop)).singleElement().satisfies(p -> assertThat(p.reason()).startsWith("alias loop"));
    }

    @Test
    void localPartCannotBeBothMailboxAndAlias() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice, postmaster ]
                    aliases: { postmaster: alice }
                    delivery: { maildir: mail }
                """, 4, "domains.example.org.aliases.postmaster", "postmaster is both a mailbox and an alias");
    }

    @Test
    void catchAllMustBeAMailboxOrAlias() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: [ alice ]
                    catch_all: bob
                    delivery: { maildir: mail }
                """, 4, "domains.example.org.catch_all", "bob is neither a mailbox nor an alias");
    }

    @Test
    void plusAddressingMustBeABoolean() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    plus_addressing: yes
                    delivery: { maildir: mail }
                """, 4, "domains.example.org.plus_addressing", "expected true or false, got a string");
    }

    @Test
    void discardDeliveryLoads() throws Exception {
        Config config = ConfigFiles.load(dir, """
                domains:
                  sink.test:
                    mailboxes: "*"
                    delivery: { discard: true }
                """);
        assertThat(config.domains().get("sink.test").delivery()).isEqualTo(new LocalDelivery.Discard());
    }

    @Test
    void discardFalseIsRefused() {
        onlyProblem(dir, """
                domains:
                  sink.test:
                    mailboxes: "*"
                    delivery: { discard: false }
                """, 4, "domains.sink.test.delivery.discard", "discard can only be true; give maildir or lmtp instead");
    }

    @Test
    void severalDeliveriesAreRefused() {
        onlyProblem(dir, """
                domains:
                  sink.test:
                    mailboxes: "*"
                    delivery: { discard: true, maildir: mail }
                """, 4, "domains.sink.test.delivery", "expected one of maildir, lmtp or discard, not several");
    }

    @Test
    void deliveryNeedsMaildirOrLmtp() {
        Problem problem = onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    delivery: {}
                """, 4, "domains.example.org.delivery", "expected maildir or lmtp");
        assertThat(problem.toString()).endsWith("posthorn.yaml:4:15: domains.example.org.delivery:"
                + " expected maildir or lmtp");
    }

    @Test
    void deliveryWithBothMaildirAndLmtpIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                    delivery:
                      maildir: mail
                      lmtp: 127.0.0.1:24
                """, 5, "domains.example.org.delivery", "expected one of maildir, lmtp or discard, not several");
    }

    @Test
    void domainWithoutDeliveryIsRefused() {
        onlyProblem(dir, """
                domains:
                  example.org:
                    mailboxes: "*"
                """, 3, "domains.example.org.delivery", "missing key");
    }

    @Test
    void lmtpTargetMustBeHostPortOrUnixSocket() {
        String template = """
                domains:
                  example.org:
                    mailboxes: "*"
                    delivery: { lmtp: "%s" }
                """;
        String key = "domains.example.org.delivery.lmtp";
        onlyProblem(dir, template.formatted("::1:24"), 4, key, "write an IPv6 address in brackets");
        onlyProblem(dir, template.formatted("unix:lmtp.sock"), 4, key, "must be absolute");
        onlyProblem(dir, template.formatted("127.0.0.1:0"), 4, key, "port must be between 1 and 65535");
        onlyProblem(dir, template.formatted("127.0.0.1"), 4, key, "expected host:port");
        onlyProblem(dir, template.formatted("lmtp_host:24"), 4, key, "not an IP address or host name");
        onlyProblem(dir, template.formatted("[127.0.0.1]:24"), 4, key, "brackets are for IPv6");
    }
}
