/**
 * A JUnit Jupiter extension for testing code that sends mail: a capturing Posthorn SMTP server per test class or per
 * test method, the captured messages parsed with Jakarta Mail, assertions on them, and faults on purpose
 * ({@link dev.posthorn.smtp.server.Chaos}). Its API shows JUnit's, the server's, the test tools' and Jakarta Mail's
 * types, so it requires them transitively.
 */
module dev.posthorn.junit {
    requires transitive org.junit.jupiter.api;
    requires transitive dev.posthorn.smtp.server;
    requires transitive dev.posthorn.smtp.testing;
    requires transitive jakarta.mail;

    exports dev.posthorn.junit;
}
