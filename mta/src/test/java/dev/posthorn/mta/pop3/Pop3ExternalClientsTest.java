package dev.posthorn.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.posthorn.smtp.server.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's poplib (through interop/pop3-client.py, the same script interop/pop3 runs against {@code posthorn dev})
 * and curl's pop3:// and pop3s:// against the server, as child processes. Skipped where python3 or curl is missing.
 */
class Pop3ExternalClientsTest {

    static final ServerTls TLS = ServerTls.selfSigned("pop3.test");
    static final String BOX = "alice@example.test";
    static final String FIRST = "From: a@example.test\r\nSubject: first\r\n\r\nline one\r\n.hidden\r\n";
    static final String SECOND = "From: b@example.test\nSubject: second\n\nbare LF\n";

    @TempDir
    Path root;

    private final List<Pop3Server> servers = new ArrayList<>();

    @BeforeEach
    void messages() throws IOException {
        DirectoryMaildrop.put(root, BOX, "m1", FIRST);
        DirectoryMaildrop.put(root, BOX, "m2", SECOND);
    }

    @AfterEach
    void stop() {
        servers.forEach(Pop3Server::close);
    }

    private int start(Pop3Server.Settings settings) throws IOException {
        Pop3Server server = Pop3Server.start(settings, DirectoryMaildrop.factory(root));
        servers.add(server);
        return server.address().getPort();
    }

    private int stls() throws IOException {
        return start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0)).withStls(TLS));
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static Path script() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("interop/pop3-client.py");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new IllegalStateException("interop/pop3-client.py not found above " + here);
    }

    /** Runs {@code command}; returns its exit code and output (stdout and stderr together). */
    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes(); // ends when the child does (or its timeouts fire)
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    record Result(int exit, String output) {
    }

    private static Result poplib(String... args) throws IOException, InterruptedException {
        assumeTrue(onPath("python3"), "python3 not on PATH");
        List<String> command = new ArrayList<>(List.of("python3", script().toString()));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    private static Result curl(String... args) throws IOException, InterruptedException {
        assumeTrue(onPath("curl"), "curl not on PATH");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-u", BOX + ":any"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new));
    }

    @Test
    void poplibPlainAndStls() throws Exception {
        String port = String.valueOf(stls());
        for (String mode : List.of("plain", "stls")) {
            assertThat(poplib("check", "--port", port, "--user", BOX, "--mode", mode, "--subject", "first",
                    "--subject", "second", "--line", "1:.hidden", "--line", "2:bare LF")).as(mode)
                    .isEqualTo(new Result(0, ""));
        }
        assertThat(poplib("check", "--port", port, "--user", BOX, "--subject", "only one")).extracting(Result::exit)
                .isEqualTo(1); // the script can fail
    }

    @Test
    void rawChecksOfTheScriptPlaintextAfterStlsAndALongLine() throws Exception {
        String port = String.valueOf(stls());
        assertThat(poplib("injection", "--port", port)).isEqualTo(new Result(0, ""));
        assertThat(poplib("long-line", "--port", port)).isEqualTo(new Result(0, ""));
    }

    @Test
    void poplibOverPop3sDeletesAndIsRefusedAWrongPassword() throws Exception {
        String port = String.valueOf(start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0))
                .withImplicitTls(TLS).withUsers(Map.of(BOX, "right"))));
        assertThat(poplib("refused", "--port", port, "--user", BOX, "--password", "wrong", "--mode", "pop3s"))
                .isEqualTo(new Result(0, ""));
        assertThat(poplib("delete", "--port", port, "--user", BOX, "--password", "right", "--mode", "pop3s",
                "--number", "1")).isEqualTo(new Result(0, ""));
        assertThat(Files.exists(DirectoryMaildrop.folder(root, BOX).resolve("m1.eml"))).isFalse();
    }

    @Test
    void curlListsAndRetrievesPlainAndWithStls() throws Exception {
        int port = stls();
        String url = "pop3://127.0.0.1:" + port + "/";
        assertThat(curl(url)).isEqualTo(new Result(0, "1 " + FIRST.length() + "\r\n2 " + SECOND.length() + "\r\n"));
        assertThat(curl(url + "1")).isEqualTo(new Result(0, FIRST)); // curl undoes the byte-stuffing
        assertThat(curl("--ssl-reqd", "-k", url + "2"))
                .isEqualTo(new Result(0, SECOND.replace("\n", "\r\n")));
        Result unknown = curl(url + "3");
        assertThat(unknown.exit()).isNotZero();
    }

    @Test
    void curlOverPop3sAndDele() throws Exception {
        int port = start(Pop3Server.Settings.of(new InetSocketAddress("127.0.0.1", 0)).withImplicitTls(TLS));
        String url = "pop3s://127.0.0.1:" + port + "/";
        assertThat(curl("-k", url + "1")).isEqualTo(new Result(0, FIRST));
        assertThat(curl("-k", "-X", "DELE", "-I", url + "1").exit()).isZero();
        // A new session numbers from 1: the one message left is message 1.
        assertThat(curl("-k", url)).isEqualTo(new Result(0, "1 " + SECOND.length() + "\r\n"));
    }
}
