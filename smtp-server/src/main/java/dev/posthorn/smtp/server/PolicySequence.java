package dev.posthorn.smtp.server;

import dev.posthorn.smtp.ForwardPath;
import dev.posthorn.smtp.MailParameters;
import dev.posthorn.smtp.RcptParameters;
import dev.posthorn.smtp.ReversePath;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Policies asked each question in turn, their answers combined by one {@link Rule}: {@link SessionPolicy#inOrder}
 * and {@link SessionPolicy#chain} are this with {@link #firstObjection} and {@link #firstOpinion} respectively.
 */
final class PolicySequence implements SessionPolicy {

    /** How the answers to one question make the answer: each policy is asked only as the rule needs it. */
    @FunctionalInterface
    interface Rule {
        Decision decide(List<SessionPolicy> policies, Function<SessionPolicy, Decision> question);
    }

    private final List<SessionPolicy> policies;
    private final Rule rule;

    PolicySequence(List<SessionPolicy> policies, Rule rule) {
        this.policies = List.copyOf(policies);
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    @Override
    public Decision connect(SessionInfo session) {
        return rule.decide(policies, policy -> policy.connect(session));
    }

    @Override
    public Decision helo(SessionInfo session, String name) {
        return rule.decide(policies, policy -> policy.helo(session, name));
    }

    @Override
    public Decision mail(SessionInfo session, ReversePath from, MailParameters parameters) {
        return rule.decide(policies, policy -> policy.mail(session, from, parameters));
    }

    @Override
    public Decision rcpt(SessionInfo session, ReversePath from, ForwardPath to, RcptParameters parameters) {
        return rule.decide(policies, policy -> policy.rcpt(session, from, to, parameters));
    }

    @Override
    public Decision auth(SessionInfo session, String mechanism) {
        return rule.decide(policies, policy -> policy.auth(session, mechanism));
    }

    /**
     * {@link SessionPolicy#inOrder}'s rule: the first answer that is neither an accept nor a pass; when there is
     * none, the first accepting reply given, or else the plain default acceptance.
     */
    static Decision firstObjection(List<SessionPolicy> policies, Function<SessionPolicy, Decision> question) {
        Decision answer = Decision.accept();
        for (SessionPolicy policy : policies) {
            Decision decision = Objects.requireNonNull(question.apply(policy), "a policy answered null");
            if (decision instanceof Decision.Pass) {
                continue;
            }
            if (!(decision instanceof Decision.Accept accept)) {
                return decision;
            }
            if (accept.reply() != null && answer == Decision.ACCEPT) {
                answer = accept;
            }
        }
        return answer;
    }

    /** {@link SessionPolicy#chain}'s rule: the first answer that is not a pass; all passing, a pass. */
    static Decision firstOpinion(List<SessionPolicy> policies, Function<SessionPolicy, Decision> question) {
        return firstOpinion(policies, question, "a policy answered null");
    }

    /**
     * The first answer that is not a pass, of policies or of {@linkplain SessionHandler#chain handlers}; all
     * passing, a pass. A {@code null} answer throws with {@code nullAnswer} as its message.
     */
    static <T> Decision firstOpinion(List<T> asked, Function<T, Decision> question, String nullAnswer) {
        for (T one : asked) {
            Decision decision = Objects.requireNonNull(question.apply(one), nullAnswer);
            if (!(decision instanceof Decision.Pass)) {
                return decision;
            }
        }
        return Decision.next();
    }
}
