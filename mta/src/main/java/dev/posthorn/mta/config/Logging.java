package dev.posthorn.mta.config;

import java.util.Objects;

/**
 * How the mail log is written.
 *
 * @param format text (one {@code id: event key=value} line per event) or json (one JSON object per line)
 */
public record Logging(Format format) {

    public Logging {
        Objects.requireNonNull(format, "format");
    }

    /** The mail log's line format. */
    public enum Format {
        TEXT, JSON;

        /** The name as written in the configuration. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
