package dev.posthorn.mta.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A port that was free a moment ago, for the few tests that must write a port into a configuration file or need one
 * where nothing listens. Tests that start a daemon themselves use port 0 instead ({@link TestConfigs}).
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port free on the loopback address. */
    public static int loopback() throws IOException {
        return free(InetAddress.getLoopbackAddress());
    }

    /** A port free on {@code address} (another loopback address such as 127.0.0.3, say). */
    public static int on(String address) throws IOException {
        return free(InetAddress.getByName(address));
    }

    private static int free(InetAddress address) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, address)) {
            return probe.getLocalPort();
        }
    }
}
