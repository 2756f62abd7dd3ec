package dev.posthorn.smtp.server;

import java.util.Objects;

/** Checks the credentials of AUTH PLAIN and AUTH LOGIN (RFC 4954, RFC 4616). */
@FunctionalInterface
public interface Authenticator {

    AuthResult authenticate(SessionInfo session, Credentials credentials);

    /**
     * Credentials as the client sent them.
     *
     * @param authorizationId the identity to act as (PLAIN's authzid), empty when not given
     * @param username        the authentication identity
     * @param password        the password
     */
    record Credentials(String authorizationId, String username, String password) {
        public Credentials {
            Objects.requireNonNull(authorizationId, "authorizationId");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    /** The outcome of a check: a closed set. */
    sealed interface AuthResult {
        /** @param identity the authenticated identity the session carries from now on */
        record Success(String identity) implements AuthResult {
            public Success {
                Objects.requireNonNull(identity, "identity");
            }
        }

        /** Wrong credentials: {@code 535 5.7.8}. */
        record Failure() implements AuthResult {
        }

        /** The check could not be made now: {@code 454 4.7.0}. */
        record TemporaryFailure() implements AuthResult {
        }
    }
}
