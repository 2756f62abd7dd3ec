package dev.posthorn.smtp.server;

import org.junit.jupiter.api.AfterEach;

/**
 * For test classes that start one server per test: a test assigns {@link #server} and it is closed after the test,
 * whether the test passed or not, so no listener outlives it.
 */
abstract class ServerTest {

    /** The server the running test started, or null. */
    protected SmtpServer server;

    @AfterEach
    final void closeServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
