package dev.posthorn.mta.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * Posthorn's version: the project version Maven writes into {@code version.properties} when it copies the resources
 * (filtered), so the same text is seen from the jar and from the test class path.
 */
final class Version implements IVersionProvider {

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String number() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"Posthorn " + number() + " (Java " + Runtime.version() + ")"};
    }
}
