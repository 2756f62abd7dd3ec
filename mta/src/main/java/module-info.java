/**
 * The Posthorn mail transfer agent: the daemon and its command line. Built on the embeddable server; this is where
 * configuration, storage and the object graph live.
 */
module dev.posthorn.mta {
    requires dev.posthorn.smtp.server;
    requires dev.posthorn.smtp.client;
    requires dev.posthorn.mailauth;
    requires info.picocli;
    requires org.slf4j;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires org.bouncycastle.provider;
    requires com.fasterxml.jackson.core;
    requires org.snakeyaml.engine;
    requires org.dnsjava;
    requires java.naming;
    requires org.apache.httpcomponents.client5.httpclient5;
    requires org.apache.httpcomponents.core5.httpcore5;
    requires org.eclipse.jetty.server;
    requires com.github.benmanes.caffeine;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires java.net.http;
    requires jdk.unsupported;
    requires java.sql;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires java.xml;
    requires org.xerial.sqlitejdbc;
    requires jakarta.mail;

    opens dev.posthorn.mta.cli to info.picocli;
    // logback.xml's escaping converters (%emsg, %eex), which logback makes by name.
    exports dev.posthorn.mta.maillog to ch.qos.logback.core, ch.qos.logback.classic;
}
