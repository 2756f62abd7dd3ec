package dev.posthorn.mta.daemon;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;

/**
 * Where the daemon's configuration comes from, read again at each reload: the file it was started with, or a fixed
 * configuration (the embedded defaults, or one an embedding program or test built).
 */
@FunctionalInterface
public interface ConfigSource {

    /** Reads the configuration as it is now. */
    Config load() throws ConfigException;

    /** Always {@code config}: a reload then rebuilds the same setup (reading users, keys and certificates again). */
    static ConfigSource fixed(Config config) {
        return () -> config;
    }
}
