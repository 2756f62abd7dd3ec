package dev.posthorn.mta.sendmail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.posthorn.mta.sendmail.SendmailArguments.Mode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** sendmail's command line as cron, PHP, mailx and git send-email write it. */
class SendmailArgumentsTest {

    private static SendmailArguments parse(String... args) throws SubmissionException {
        return SendmailArguments.parse(List.of(args));
    }

    @Test
    void recipientsAloneReadTheMessageUntilADotLine() throws Exception {
        SendmailArguments a = parse("alice@example.org", "bob");
        assertThat(a).isEqualTo(new SendmailArguments(Mode.DELIVER, false, true, Optional.empty(), Optional.empty(),
                Optional.empty(), List.of("alice@example.org", "bob")));
    }

    @Test
    void theSenderMayBeAttachedOrTheNextWord() throws Exception {
        assertThat(parse("-fsender@example.org", "x").sender()).contains("sender@example.org");
        assertThat(parse("-f", "sender@example.org", "x").sender()).contains("sender@example.org");
        assertThat(parse("-r", "bounce@example.org", "x").sender()).contains("bounce@example.org");
        assertThat(parse("-f", "<>", "x").sender()).contains("<>");
        assertThat(parse("-F", "Alice Liddell", "-FBob", "x").fullName()).contains("Bob");
    }

    @Test
    void gitSendEmailsInvocation() throws Exception {
        SendmailArguments a = parse("-i", "-f", "dev@example.org", "list@example.org", "maintainer@example.org");
        assertThat(a.dotEnds()).isFalse();
        assertThat(a.sender()).contains("dev@example.org");
        assertThat(a.recipients()).containsExactly("list@example.org", "maintainer@example.org");
    }

    @Test
    void phpsInvocationWithClusteredFlagsAndIgnoredOptions() throws Exception {
        SendmailArguments a = parse("-t", "-i", "-odi", "-oem", "-oi");
        assertThat(a.headerRecipients()).isTrue();
        assertThat(a.dotEnds()).isFalse();
        assertThat(a.recipients()).isEmpty();
        assertThat(parse("-ti").headerRecipients()).isTrue();
        assertThat(parse("-ti").dotEnds()).isFalse();
        assertThat(parse("-oitrue", "x").dotEnds()).isFalse();
        assertThat(parse("-om", "x").dotEnds()).isTrue();
    }

    @Test
    void ignoredOptionsWithValuesTakeTheirValueAlong() throws Exception {
        assertThat(parse("-N", "success,failure", "-V", "envid", "-v", "-X", "/tmp/log", "x").recipients())
                .containsExactly("x");
        assertThat(parse("-Nnever", "x").recipients()).containsExactly("x");
    }

    @Test
    void optionsMayFollowRecipientsUntilDoubleDash() throws Exception {
        SendmailArguments a = parse("alice", "-f", "s@example.org", "--", "-odd");
        assertThat(a.recipients()).containsExactly("alice", "-odd");
        assertThat(a.sender()).contains("s@example.org");
    }

    @Test
    void modesAndConfig() throws Exception {
        assertThat(parse("-bs").mode()).isEqualTo(Mode.SMTP);
        assertThat(parse("-bp").mode()).isEqualTo(Mode.LIST);
        assertThat(parse("-b", "m", "x").mode()).isEqualTo(Mode.DELIVER);
        assertThat(parse("--help").mode()).isEqualTo(Mode.HELP);
        assertThat(parse("-C", "/etc/p.yaml", "x").config()).contains(Path.of("/etc/p.yaml"));
        assertThat(parse("-C/etc/p.yaml", "x").config()).contains(Path.of("/etc/p.yaml"));
    }

    @Test
    void unknownOptionsMissingValuesAndUnsupportedModesAreUsageErrors() {
        assertThatThrownBy(() -> parse("-Q", "x")).isInstanceOf(SubmissionException.class)
                .hasMessage("unknown option -Q")
                .satisfies(e -> assertThat(((SubmissionException) e).status()).isEqualTo(Sysexit.USAGE));
        assertThatThrownBy(() -> parse("x", "-f")).hasMessage("option -f needs a value");
        assertThatThrownBy(() -> parse("-bd")).hasMessage("unsupported mode -bd (supported: -bm, -bs, -bp)");
        assertThatThrownBy(() -> parse("-\u001b")).hasMessage("unknown option -?");
    }
}
