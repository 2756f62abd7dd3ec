package dev.posthorn.smtp.server;

/** The settings the server tests share: the conformance settings of conformance/shared/README.md. */
final class TestServers {

    static final ServerTls TLS = ServerTls.selfSigned("mx.posthorn.test");

    private TestServers() {
    }

    static SmtpServer.Builder builder(MessageSink sink) {
        return SmtpServer.builder()
                .hostname("mx.posthorn.test")
                .maxMessageSize(1_000_000)
                .tls(TLS)
                .authenticator((session, credentials) ->
                        credentials.username().equals("alice") && credentials.password().equals("wonderland")
                                ? new Authenticator.AuthResult.Success("alice")
                                : new Authenticator.AuthResult.Failure())
                .sink(sink);
    }
}
