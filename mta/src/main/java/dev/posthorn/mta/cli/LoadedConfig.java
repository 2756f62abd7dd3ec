package dev.posthorn.mta.cli;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;

/** The configuration file a command names, its problems as one error for the command line's handler. */
final class LoadedConfig {

    private LoadedConfig() {
    }

    static Config load(Path file) throws IOException {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new IOException(e.problems().size() + " problem(s) in " + file + ": " + e.problems().getFirst());
        }
    }
}
