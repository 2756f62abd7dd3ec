package dev.posthorn.mta.cli;

import dev.posthorn.mta.admin.AdminToken;
import dev.posthorn.mta.config.Config;
import dev.posthorn.smtp.AddressLiteral;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The command line's way to a running daemon: its admin API ({@code /api/v1}) at {@code admin.listen}, with the
 * bearer token from the token file. The commands hold no queue logic of their own; they ask the daemon.
 */
final class AdminClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InetSocketAddress address;
    private final Path tokenFile;
    private final HttpClient http;

    private AdminClient(InetSocketAddress address, Path tokenFile) {
        this.address = address;
        this.tokenFile = tokenFile;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The client for the daemon that {@code config} describes. */
    static AdminClient of(Config config) throws IOException {
        InetSocketAddress address = config.admin().listen().orElseThrow(() -> new IOException(
                "the admin listener is off (admin.listen: none), so the daemon cannot be asked"));
        return new AdminClient(address, config.admin().tokenFileIn(config.spool()));
    }

    /** {@code host:port} as the operator would write it. */
    String where() {
        return AddressLiteral.format(address);
    }

    /** A status and the JSON document the daemon answered. */
    record Answer(int status, String json) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Calls {@code method} on {@code /api/v1/} + {@code path} (path and query already encoded) with a JSON
     * {@code body} (null for none).
     *
     * @throws IOException naming the address tried when the daemon cannot be reached, and the token file when it
     *                     cannot be read
     */
    Answer call(String method, String path, String body) throws IOException {
        String token;
        try {
            token = AdminToken.read(tokenFile); // the daemon's own reader: bounded, ASCII, not empty
        } catch (NoSuchFileException e) {
            throw new IOException("no admin token at " + tokenFile + " (is the daemon started with this config?)");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + where() + "/api/v1/" + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(
                    StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body());
        } catch (ConnectException e) {
            throw new IOException("the daemon is not running: nothing answers at " + where());
        } catch (HttpTimeoutException e) {
            throw new IOException("the daemon at " + where() + " did not answer within " + TIMEOUT.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the daemon at " + where());
        }
    }
}
