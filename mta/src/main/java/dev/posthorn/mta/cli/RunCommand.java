package dev.posthorn.mta.cli;

import dev.posthorn.mta.auth.UserStore;
import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.admin.ReloadResult;
import dev.posthorn.mta.config.DurationLiteral;
import dev.posthorn.mta.daemon.Daemon;
import dev.posthorn.smtp.LogText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code posthorn run}: the MTA daemon, with a config file or the embedded defaults. */
@Command(name = "run", mixinStandardHelpOptions = true, description = {"Run the mail transfer agent.",
            "Without --config it runs with the embedded defaults (see 'posthorn config defaults'):",
            "SMTP on 127.0.0.1:2525, submission on 2587 and 2465, spool and mailboxes under ./var.",
            "Stops cleanly on SIGTERM or SIGINT; SIGHUP reloads the configuration (as 'posthorn reload')."})
final class RunCommand implements Callable<Integer> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "The configuration file (YAML).")
    Path config;

    @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationOption.class,
            description = {"Before the listeners open, run mail through the accept and delivery path of a throw-away"
                    + " daemon for this long (e.g. 10s), so that the first clients meet compiled code, not a JVM still"
                    + " compiling (default: none). The start takes that much longer; 20s measured warm on a"
                    + " 2-core machine (bench/RESULTS.md)."})
    Duration warmup;

    /** {@code --warmup}'s value in the configuration file's duration form ({@code 20s}); anything else is a usage error. */
    static final class DurationOption implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return DurationLiteral.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        Config settings;
        try {
            settings = config == null ? Config.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            // The command line's writers (System.err under the launcher), so that the problems can be checked.
            PrintWriter err = spec.commandLine().getErr();
            e.problems().forEach(err::println);
            err.println("posthorn: not started: the configuration has " + e.problems().size() + " problem(s)");
            err.flush();
            return 1;
        }
        Path file = config;
        // The handler is in place before the start (which may sweep a long queue): a SIGHUP then is not the JVM's
        // default, which would end the process, but a reload asked too early, and said so.
        AtomicReference<Daemon> started = new AtomicReference<>();
        Signals.onHangup(() -> {
            Daemon daemon = started.get();
            if (daemon == null) {
                log.warn("SIGHUP: the daemon is still starting; nothing reloaded");
                return;
            }
            ReloadResult result = daemon.reload();
            if (!result.applied()) {
                log.warn("SIGHUP: configuration not reloaded; the running one stays: {}",
                        LogText.escape(String.join("; ", result.problems())));
            }
            result.notes().forEach(note -> log.warn("SIGHUP: {}", LogText.escape(note)));
        });
        Daemon daemon = Daemon.start(settings, file == null ? Config::defaults : () -> ConfigLoader.load(file),
                warmup == null ? Duration.ZERO : warmup);
        started.set(daemon);
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onTermination(() -> {
            daemon.close();
            stopped.countDown();
        });
        PrintWriter out = spec.commandLine().getOut();
        out.println("posthorn running: " + daemon.addresses() + ", spool " + daemon.spoolRoot());
        firstUserHint(settings, config).ifPresent(out::println);
        out.flush();
        stopped.await();
        return 0;
    }

    /** How to add a user, while the users file has none: submission takes mail only after AUTH. */
    static Optional<String> firstUserHint(Config settings, Path config) throws IOException {
        if (settings.usersFile().isEmpty() || Files.exists(settings.usersFile().get())
                && !UserStore.load(settings.usersFile().get()).users().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("no users in " + settings.usersFile().get() + " yet; submission needs one: bin/posthorn"
                + " user add " + (config == null ? "" : "--config " + config + " ") + "NAME (no restart needed)");
    }
}
