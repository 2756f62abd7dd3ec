package dev.posthorn.mta.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/**
 * The one-line reasons, for the system errors a test cannot always provoke (a root test process is never refused a
 * folder; cli.StartErrorTest makes the others happen for real).
 */
class StartErrorTest {

    @Test
    void systemErrorsReadAsPartOfASentence() throws Exception {
        assertThat(StartError.of("spool /var/spool/posthorn", new AccessDeniedException("/var/spool/posthorn/tmp"))
                .getMessage()).isEqualTo("spool /var/spool/posthorn: permission denied");
        assertThat(StartError.of("users_file /etc/posthorn/users", new NoSuchFileException("/etc/posthorn/users"))
                .getMessage()).isEqualTo("users_file /etc/posthorn/users: no such file");
        assertThat(StartError.of("spool /ro", new FileSystemException("/ro/tmp", null, "Read-only file system"))
                .getMessage()).isEqualTo("spool /ro: read-only file system");
        assertThat(StartError.of("tls", new IOException("/x/cert.pem: no certificate in it")).getMessage())
                .isEqualTo("tls: /x/cert.pem: no certificate in it");
    }

    @Test
    void listenAddressesAreWrittenAsHostAndPort() throws Exception {
        BindException inUse = new BindException("Address already in use");
        assertThat(StartError.listen(new InetSocketAddress(InetAddress.getByName("::1"), 587), inUse).getMessage())
                .isEqualTo("cannot listen on [::1]:587: address already in use");
        assertThat(StartError.listen(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 25),
                new BindException("Cannot assign requested address")).getMessage())
                .isEqualTo("cannot listen on 192.0.2.1:25: cannot assign requested address");
    }
}
