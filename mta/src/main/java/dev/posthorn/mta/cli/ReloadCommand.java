package dev.posthorn.mta.cli;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
        Map<String, Object> document = JsonTree.object(answer.json());
        List<String> problems = JsonTree.texts(document, "problems");
        List<String> notes = JsonTree.texts(document, "notes");
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
}
