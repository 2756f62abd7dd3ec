package dev.posthorn.mta.daemon;

import dev.posthorn.mta.policy.AuthThrottle;
import dev.posthorn.smtp.server.Authenticator;
import dev.posthorn.smtp.server.SessionInfo;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The users file behind the AUTH throttle: an address locked out, for all users or for this one, gets 454; each
 * failure is answered late. A user guessed at from many addresses is never refused, only her guessers slowed.
 */
final class ThrottledAuthenticator implements Authenticator {

    private final Authenticator users;
    private final AuthThrottle throttle;

    ThrottledAuthenticator(Authenticator users, AuthThrottle throttle) {
        this.users = users;
        this.throttle = throttle;
    }

    @Override
    public AuthResult authenticate(SessionInfo session, Credentials credentials) {
        InetAddress client = session.remote().getAddress();
        if (!throttle.allowed(client, credentials.username())) {
            return new AuthResult.TemporaryFailure();
        }
        AuthResult result = users.authenticate(session, credentials);
        switch (result) {
            case AuthResult.Success success -> throttle.succeeded(client, credentials.username());
            case AuthResult.Failure failure -> pause(throttle.failed(client, credentials.username()));
            case AuthResult.TemporaryFailure temporary -> {
            }
        }
        return result;
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay); // a virtual thread: the wait costs the guesser time, not us a thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
