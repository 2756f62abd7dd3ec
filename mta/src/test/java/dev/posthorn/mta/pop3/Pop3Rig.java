package dev.posthorn.mta.pop3;

import dev.posthorn.smtp.server.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's POP3 server on port 0 over a {@link DirectoryMaildrop} in a fresh directory. Register it as an extension
 * ({@code @RegisterExtension final Pop3Rig rig = new Pop3Rig();}): the directory is made before each test, the
 * server (if the test started one) closed and the directory deleted after it.
 */
final class Pop3Rig implements BeforeEachCallback, AfterEachCallback {

    /** One self-signed certificate for the tests that use TLS. */
    static final ServerTls TLS = ServerTls.selfSigned("pop3.test");

    private Path root;
    private Pop3Server server;

    Pop3Rig() {
        // the directory is made by beforeEach
    }

    /** Loopback, port 0, STLS offered with {@link #TLS}. */
    static Pop3Server.Settings stls() {
        return Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0)).withStls(TLS);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("pop3rig");
    }

    /** The maildrop's root: mailbox folders go under it ({@link DirectoryMaildrop#put}). */
    Path root() {
        return root;
    }

    /** The server the test started last. */
    Pop3Server server() {
        return server;
    }

    /** Starts the server over the directory's maildrop; returns its address. */
    InetSocketAddress start(Pop3Server.Settings settings) throws IOException {
        return start(settings, DirectoryMaildrop.factory(root));
    }

    InetSocketAddress start(Pop3Server.Settings settings, Maildrop.Factory maildrops) throws IOException {
        server = Pop3Server.start(settings, maildrops);
        return server.address();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
