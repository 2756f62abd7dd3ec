package dev.posthorn.mta.policy;

import dev.posthorn.smtp.Reply;
import dev.posthorn.smtp.server.Decision;
import dev.posthorn.smtp.server.SessionInfo;
import dev.posthorn.smtp.server.SessionPolicy;

/** Has this client address failed AUTH too often? Then no AUTH from it for a while ({@code 454 4.7.0}). */
public final class FailedAuth implements SessionPolicy {

    static final Reply THROTTLED = Reply.of(454, "4.7.0", "Too many failed authentications, try again later");

    private final AuthThrottle throttle;

    public FailedAuth(AuthThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    public Decision auth(SessionInfo session, String mechanism) {
        return throttle.addressAllowed(session.remote().getAddress()) ? Decision.accept()
                : Decision.defer(THROTTLED);
    }
}
