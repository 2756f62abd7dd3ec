package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Writes configuration files for tests and reads back what the loader made of them. */
final class ConfigFiles {

    static final String NAME = "posthorn.yaml";

    private ConfigFiles() {
    }

    static Path write(Path dir, String yaml) {
        try {
            return Files.writeString(dir.resolve(NAME), yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a matching certificate and key to {@code dir/tls/cert.pem} and {@code dir/tls/key.pem}. */
    static void tlsPair(Path dir) {
        try {
            dev.posthorn.smtp.server.ServerTls.selfSignedFiles("mx.example.org", dir.resolve("tls/cert.pem"),
                    dir.resolve("tls/key.pem"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file only its owner may read, as a password file should be (where permissions are POSIX). */
    static Path secret(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Config load(Path dir, String yaml) throws ConfigException {
        return ConfigLoader.load(write(dir, yaml));
    }

    static List<Problem> problems(Path dir, String yaml) {
        return problemsOf(write(dir, yaml));
    }

    static List<Problem> problemsOf(Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("the file should be refused").isNotNull();
        return e.problems();
    }

    /**
     * Loads the file, prints the configuration and asserts that the printed text loads back to the same configuration;
     * returns the printed text for the test to look into.
     */
    static String printedRoundTrip(Path dir, String yaml) throws ConfigException {
        Config config = load(dir, yaml);
        String printed = ConfigPrinter.print(config, dir);
        assertThat(load(dir, printed)).as("the printed configuration, loaded again").isEqualTo(config);
        return printed;
    }

    /** Asserts that the file has exactly one problem, at this line and key, with a reason containing the text. */
    static Problem onlyProblem(Path dir, String yaml, int line, String key, String reason) {
        List<Problem> problems = problems(dir, yaml);
        assertThat(problems).hasSize(1);
        Problem problem = problems.getFirst();
        assertThat(problem.line()).as("line of %s", problem).isEqualTo(line);
        assertThat(problem.key()).as("key of %s", problem).isEqualTo(key);
        assertThat(problem.reason()).as("reason of %s", problem).contains(reason);
        assertThat(problem.file()).endsWith(NAME);
        return problem;
    }

    /**
     * Names a file the loader must refuse for one mistake, and the line, key path and part of the reason of the one
     * problem it must report; tables of these let each rule be its own test case with the same checks.
     */
    static Refusal refused(String yaml, int line, String key, String reason) {
        return new Refusal(yaml, line, key, reason);
    }

    /**
     * Runs the test once for each {@link Refusal} that the static method of the same name returns, each case named by
     * its file; the test checks the refusal ({@code refusal.check(dir)}).
     */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource
    @interface RefusalTable {
    }

    /** A file with one mistake and the problem it must be refused with; {@link #check} asserts it. */
    record Refusal(String yaml, int line, String key, String reason) {

        /** Writes the file into {@code dir} and asserts it is refused as {@link ConfigFiles#onlyProblem} describes. */
        void check(Path dir) {
            onlyProblem(dir, yaml, line, key, reason);
        }

        /** The file on one line, as a test report names the case. */
        @Override
        public String toString() {
            return yaml.stripTrailing().replace("\n", "\\n");
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** What the loader logs (its warnings) while it loads {@code yaml} in {@code dir}, which must be valid. */
    static List<ch.qos.logback.classic.spi.ILoggingEvent> warningsOfLoading(Path dir, String yaml)
            throws ConfigException {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                ConfigLoader.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            load(dir, yaml);
        } finally {
            log.detachAppender(appender);
        }
        return appender.list;
    }
}
