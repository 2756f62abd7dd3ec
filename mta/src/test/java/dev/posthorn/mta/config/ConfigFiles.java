package dev.posthorn.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

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

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
