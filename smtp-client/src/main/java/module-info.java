/** Posthorn's embeddable blocking SMTP and LMTP client. */
module dev.posthorn.smtp.client {
    requires transitive dev.posthorn.smtp.core;

    exports dev.posthorn.smtp.client;
}
