package dev.posthorn.mta.admin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer token. The daemon reads it from the token file, or, when that file does not exist yet,
 * makes one: 32 random octets, base64url, in a file created with mode 600 (created so, never widened afterwards:
 * there is no moment when another user could read it). A file that exists is read and never written, so an operator
 * may put their own token there. An empty or unreadable file stops the start: a daemon must not run an API nobody
 * can call, or one with an empty secret.
 */
public final class AdminToken {

    private static final Logger log = LoggerFactory.getLogger(AdminToken.class);
    private static final int RANDOM_OCTETS = 32;
    /** A token longer than this is not a token the daemon made or an operator meant. */
    private static final long MAX_FILE = 4096;

    private final byte[] digest;

    private AdminToken(String token) {
        this.digest = sha256(token);
    }

    /** The token in {@code file}, made first if the file does not exist. */
    public static AdminToken loadOrCreate(Path file) throws IOException {
        try {
            return new AdminToken(read(file));
        } catch (NoSuchFileException e) {
            return create(file);
        }
    }

    /**
     * The token in {@code file}: at most {@code MAX_FILE} octets of ASCII, surrounding white space dropped, not empty.
     * The daemon and the command line read it alike.
     *
     * @throws NoSuchFileException when there is no such file; any other problem as an IOException naming the file
     */
    public static String read(Path file) throws IOException {
        String text;
        try {
            text = Files.size(file) > MAX_FILE ? null : Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (CharacterCodingException e) {
            throw new IOException("admin token " + file + ": not ASCII text");
        } catch (IOException e) {
            throw new IOException("admin token " + file + ": cannot read it: " + e, e);
        }
        if (text == null) {
            throw new IOException("admin token " + file + ": longer than " + MAX_FILE + " octets");
        }
        String token = text.strip();
        if (token.isEmpty()) {
            throw new IOException("admin token " + file + ": the file is empty (remove it to have one made)");
        }
        warnIfOpen(file);
        return token;
    }

    private static AdminToken create(Path file) throws IOException {
        byte[] random = new byte[RANDOM_OCTETS];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        // Written whole and forced under a name of its own, then linked to its name, which fails when a process that
        // started at the same moment was first: the file is never seen empty or half written, even after a crash.
        Path temporary = file.resolveSibling(file.getFileName() + ".new-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(temporary);
            try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")))) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------")); // any umask
                channel.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            return new AdminToken(read(file)); // made by a process that started at the same moment
        } catch (IOException e) {
            throw new IOException("admin token " + file + ": cannot create it: " + e, e);
        } finally {
            Files.deleteIfExists(temporary);
        }
        log.info("admin token written to {} (mode 600)", file);
        return new AdminToken(token);
    }

    private static void warnIfOpen(Path file) {
        try {
            Set<PosixFilePermission> modes = Files.getPosixFilePermissions(file);
            if (modes.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                log.warn("admin token {} can be read by other users (mode {}); chmod 600 it", file,
                        PosixFilePermissions.toString(modes));
            }
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot read the mode of {}", file, e);
        }
    }

    /**
     * Whether {@code given} is the token. The digests are compared, in constant time: neither the content nor the
     * length of the token leaks through the time an answer takes.
     */
    public boolean matches(String given) {
        return given != null && MessageDigest.isEqual(digest, sha256(given));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
