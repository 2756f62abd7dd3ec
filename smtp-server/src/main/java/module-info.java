/**
 * Posthorn's embeddable SMTP server: listener, connections, the session state machine and the SPI through which an
 * application decides and receives ({@link dev.posthorn.smtp.server.SessionHandler},
 * {@link dev.posthorn.smtp.server.SessionPolicy}, {@link dev.posthorn.smtp.server.Authenticator},
 * {@link dev.posthorn.smtp.server.MessageSink}).
 */
module dev.posthorn.smtp.server {
    requires transitive dev.posthorn.smtp.core;
    requires org.slf4j;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports dev.posthorn.smtp.server;
}
