package dev.posthorn.mailauth.dkim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Private keys in files: PEM-armoured PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, RFC 7468 10), what
 * {@code openssl genpkey} writes for RSA and Ed25519 alike; new key pairs; and the DNS record that publishes a
 * key's public half.
 */
public final class KeyFile {

    /** RSA keys made here: RFC 8301 3.2 asks signers for at least 1024 bits and recommends 2048. */
    public static final int RSA_BITS = 2048;
    private static final int MAX_FILE = 64 * 1024;
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private KeyFile() {
    }

    /**
     * Reads an RSA (at least 1024 bits) or Ed25519 private key.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException saying what is wrong with its content
     */
    public static PrivateKey read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE) {
            throw new IllegalArgumentException("larger than " + MAX_FILE + " octets: not a key file");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("not an unencrypted PKCS#8 key; convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt'");
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no " + BEGIN + " block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not base64");
        }
        PrivateKey key = decode(der);
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < KeyRecord.MIN_RSA_BITS) {
            throw new IllegalArgumentException("RSA key of " + rsa.getModulus().bitLength()
                    + " bits; at least " + KeyRecord.MIN_RSA_BITS + " are needed (RFC 8301)");
        }
        return key;
    }

    private static PrivateKey decode(byte[] der) {
        for (String algorithm : List.of("RSA", "Ed25519")) {
            try {
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                if (Algorithm.of(key).isPresent()) {
                    return key;
                }
            } catch (GeneralSecurityException | ClassCastException e) {
                // try the next kind
            }
        }
        throw new IllegalArgumentException("not an RSA or Ed25519 private key");
    }

    /** A new key pair: {@code rsa} ({@value #RSA_BITS} bits) or {@code ed25519}. */
    public static KeyPair generate(String algorithm) throws GeneralSecurityException {
        return switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "rsa" -> {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(RSA_BITS);
                yield generator.generateKeyPair();
            }
            case "ed25519" -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            default -> throw new IllegalArgumentException("expected rsa or ed25519, got " + algorithm);
        };
    }

    /** Writes {@code key} as PEM to a new file readable by its owner only; an existing file is not replaced. */
    public static void write(Path file, PrivateKey key) throws IOException {
        String pem = BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n" + END + "\n";
        boolean posix = file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists; not replacing a key", e);
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(pem.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * The TXT record publishing {@code key} for {@code selector} and {@code domain}, in zone file form, its text cut
     * into character strings of at most 255 octets (RFC 1035 3.3.14):
     * {@code selector._domainkey.domain. IN TXT "v=DKIM1; k=rsa; p=..." "..."}.
     */
    public static String dnsRecord(String domain, String selector, PublicKey key) {
        String text = KeyRecord.of(key);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add("\"" + text.substring(i, Math.min(text.length(), i + 255)) + "\"");
        }
        return selector + "._domainkey." + domain + ". IN TXT " + String.join(" ", strings);
    }

    /**
     * A TXT record as a zone file line writes it.
     *
     * @param name the owner name, without the final dot
     * @param text the character strings, joined
     */
    public record TxtRecord(String name, String text) {
    }

    /** Reads a zone-file line as {@link #dnsRecord} writes it ({@code NAME [IN] TXT "..." ...}, one line). */
    public static TxtRecord parseDnsRecord(String line) {
        String trimmed = line.strip();
        int space = trimmed.indexOf(' ');
        int quote = trimmed.indexOf('"');
        if (space < 0 || quote < 0 || !trimmed.substring(space, quote).replaceAll("\\s+", " ").strip()
                .matches("(?i)(IN )?TXT")) {
            throw new IllegalArgumentException("expected NAME IN TXT \"...\"");
        }
        StringBuilder text = new StringBuilder();
        boolean inside = false;
        for (int i = quote; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '"') {
                inside = !inside;
            } else if (inside) {
                text.append(c);
            } else if (c != ' ' && c != '\t') {
                throw new IllegalArgumentException("text outside quotes");
            }
        }
        String name = trimmed.substring(0, space);
        if (inside) {
            throw new IllegalArgumentException("unterminated quote");
        }
        return new TxtRecord(name.endsWith(".") ? name.substring(0, name.length() - 1) : name, text.toString());
    }
}
