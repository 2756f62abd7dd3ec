package dev.posthorn.mta.cli;

import dev.posthorn.mta.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command that asks the daemon shares: {@code --config} (else the embedded defaults, as {@code run}
 * uses), {@code --json}, and the call itself. An error the daemon answers is printed as {@code posthorn: REASON}
 * and makes the command exit 1.
 */
final class ApiOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "The configuration file of the running daemon (default: the embedded defaults).")
    Path config;

    @Option(names = "--json", description = "Print the admin API's JSON document instead of a table.")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The daemon's answer to {@code method path}; null after printing the error it answered. */
    AdminClient.Answer call(String method, String path) throws IOException {
        Config settings = config == null ? Config.defaults() : LoadedConfig.load(config);
        AdminClient.Answer answer = AdminClient.of(settings).call(method, path, null);
        if (!answer.ok()) {
            String reason;
            try {
                reason = JsonTree.text(JsonTree.object(answer.json()), "error");
            } catch (IOException e) {
                reason = "";
            }
            err().println("posthorn: " + (reason.isEmpty() ? "the daemon answered HTTP " + answer.status() : reason));
            err().flush();
            return null;
        }
        return answer;
    }

    /** Prints the JSON document as the daemon sent it. */
    void printJson(AdminClient.Answer answer) {
        out().println(answer.json());
        out().flush();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
