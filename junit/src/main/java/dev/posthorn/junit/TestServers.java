package dev.posthorn.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The other test servers an {@link SmtpCapture} started ({@code DnsResponder}, {@code FakeSmtpServer}), each closed
 * at the end of the test that started it: the test is the one running on the calling thread (JUnit runs a test's
 * callbacks and body on one thread); one started outside any test (in {@code @BeforeAll}) lives until the capture
 * stops.
 */
final class TestServers {

    /** Servers started outside a test. */
    private static final String CLASS_LEVEL = "";

    @FunctionalInterface
    interface Starter<T extends AutoCloseable> {
        T start() throws Exception;
    }

    private final ThreadLocal<String> currentTest = new ThreadLocal<>();
    private final Map<String, List<AutoCloseable>> started = new ConcurrentHashMap<>();

    void testStarted(String testId) {
        currentTest.set(testId);
    }

    <T extends AutoCloseable> T start(Starter<T> starter) {
        T server;
        try {
            server = starter.start();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test server: " + e.getMessage(), e);
        }
        String owner = currentTest.get() == null ? CLASS_LEVEL : currentTest.get();
        started.computeIfAbsent(owner, key -> java.util.Collections.synchronizedList(new ArrayList<>())).add(server);
        return server;
    }

    void testEnded(String testId) {
        currentTest.remove();
        close(started.remove(testId));
    }

    void closeAll() {
        for (String owner : List.copyOf(started.keySet())) {
            close(started.remove(owner));
        }
    }

    private static void close(List<AutoCloseable> servers) {
        if (servers == null) {
            return;
        }
        IllegalStateException failure = null;
        for (AutoCloseable server : List.copyOf(servers)) {
            try {
                server.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cannot close a test server", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
