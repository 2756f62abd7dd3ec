package dev.posthorn.mta.cli;

import dev.posthorn.mta.config.Config;
import dev.posthorn.mta.config.ConfigException;
import dev.posthorn.mta.config.ConfigLoader;
import dev.posthorn.mta.daemon.Daemon;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code posthorn run}: the MTA daemon, with a config file or the embedded defaults. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the mail transfer agent. Without --config it runs with the embedded defaults",
            "(see 'posthorn config defaults'): SMTP on 127.0.0.1:2525, submission on 2587 and 2465,",
            "spool and mailboxes under ./var. Stops cleanly on SIGTERM or SIGINT."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "The configuration file (YAML).")
    Path config;

    @Override
    public Integer call() throws Exception {
        Config settings;
        try {
            settings = config == null ? Config.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            e.problems().forEach(problem -> System.err.println(problem));
            System.err.println("posthorn: not started: the configuration has " + e.problems().size() + " problem(s)");
            return 1;
        }
        Daemon daemon = Daemon.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onTermination(() -> {
            daemon.close();
            stopped.countDown();
        });
        System.out.println("posthorn running: " + daemon.addresses() + ", spool " + daemon.spoolRoot());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
