package dev.posthorn.mta.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes: Argon2id (RFC 9106) written as a PHC string ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash},
 * the form the reference implementation and Dovecot's {@code ARGON2ID} scheme use), and bcrypt ({@code $2y$...},
 * as htpasswd writes it) for files carried over from elsewhere.
 */
public final class PasswordHash {

    /** OWASP's minimum for Argon2id: 19 MiB, two passes, one lane. */
    private static final int MEMORY_KIB = 19_456;
    private static final int ITERATIONS = 2;
    private static final int PARALLELISM = 1;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    /** A new Argon2id hash of {@code password} with a random salt. */
    public static String hash(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, 32);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code stored} is a hash this class can check. */
    public static boolean isSupported(String stored) {
        return PHC.matcher(stored).matches() || stored.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    }

    /** Checks a password against a stored hash, in time independent of where they differ. */
    public static boolean verify(String stored, char[] password) {
        Matcher phc = PHC.matcher(stored);
        if (phc.matches()) {
            byte[] expected = B64D.decode(phc.group(5));
            byte[] actual = argon2(password, B64D.decode(phc.group(4)), Integer.parseInt(phc.group(1)),
                    Integer.parseInt(phc.group(2)), Integer.parseInt(phc.group(3)), expected.length);
            return MessageDigest.isEqual(expected, actual);
        }
        if (stored.startsWith("$2")) {
            try {
                return OpenBSDBCrypt.checkPassword(stored, password);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    /** Spends the work of one check, for users that do not exist. */
    static void decoy(char[] password) {
        argon2(password, new byte[16], MEMORY_KIB, ITERATIONS, PARALLELISM, 32);
    }

    private static byte[] argon2(char[] password, byte[] salt, int memory, int iterations, int parallelism,
                                 int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory).withIterations(iterations).withParallelism(parallelism)
                .withSalt(salt).build());
        byte[] out = new byte[length];
        generator.generateBytes(new String(password).getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
