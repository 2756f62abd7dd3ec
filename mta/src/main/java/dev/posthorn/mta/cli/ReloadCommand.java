package dev.posthorn.mta.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code posthorn reload}: the running daemon reads its configuration again (as on SIGHUP). */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make the running daemon read its configuration again.",
            "The configuration file, users file, DKIM keys and certificates are read anew; sessions in",
            "progress finish under the configuration they started with. A configuration with problems is",
            "refused (each printed as FILE:LINE:COLUMN: KEY: REASON, exit 1) and the running one stays."})
final class ReloadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The daemon's configuration file (for the admin address and token); default: the embedded"
                    + " defaults.")
    Path config;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Config settings;
        try {
            settings = config == null ? Config.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            // The daemon would refuse the file for the same problems; it is not asked (its address may be wrong).
            e.problems().forEach(err::println);
            err.println("posthorn: not reloaded: the running configuration stays");
            err.flush();
            return 1;
        }
        AdminClient.Answer answer = AdminClient.of(settings).call("POST", "reload", null);
        if (answer.status() != 200 && answer.status() != 422) {
            err.println("posthorn: reload: the daemon answered " + answer.status() + ": " + answer.json());
            err.flush();
            return 1;
        }
        List<String> problems = strings(answer.json(), "problems");
        List<String> notes = strings(answer.json(), "notes");
        notes.forEach(note -> out.println("note: " + note));
        if (answer.status() == 422) {
            problems.forEach(err::println);
            err.println("posthorn: not reloaded: the running configuration stays");
            err.flush();
            out.flush();
            return 1;
        }
        out.println("reloaded");
        out.flush();
        return 0;
    }

    /** The strings of the array {@code field} at the top of {@code json}. */
    static List<String> strings(String json, String field) throws IOException {
        List<String> values = new ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            boolean inField = false;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.getParsingContext().getParent().inRoot()) {
                    inField = parser.currentName().equals(field);
                } else if (inField && token == JsonToken.VALUE_STRING) {
                    values.add(parser.getText());
                } else if (inField && token == JsonToken.END_ARRAY) {
                    inField = false;
                }
            }
        }
        return values;
    }
}
