package dev.posthorn.junit;

import java.util.Properties;

/** Jakarta Mail (Angus) properties for protocol {@code smtp} pointed at a capture server. */
final class MailProperties {

    /** Long enough for a loaded CI machine, short enough that a broken test fails rather than hangs. */
    private static final String TIMEOUT_MILLIS = "10000";

    private MailProperties() {
    }

    static Properties of(String host, int port, CaptureSettings.Tls tls, LoopbackCertificate certificate) {
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", "smtp");
        properties.put("mail.smtp.host", host);
        properties.put("mail.smtp.port", Integer.toString(port));
        properties.put("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
        properties.put("mail.smtp.timeout", TIMEOUT_MILLIS);
        properties.put("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        if (certificate != null) {
            if (tls == CaptureSettings.Tls.IMPLICIT) {
                properties.put("mail.smtp.ssl.enable", "true");
            } else {
                properties.put("mail.smtp.starttls.enable", "true");
                properties.put("mail.smtp.starttls.required", "true");
            }
            // Trust this server's certificate only, and check that it names the host (it names 127.0.0.1).
            properties.put("mail.smtp.ssl.socketFactory", certificate.clientContext().getSocketFactory());
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        return properties;
    }
}
