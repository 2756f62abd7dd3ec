package dev.posthorn.mta.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code posthorn queue list|show|hold|release|delete|bounce|flush}: the queue of the running daemon, through its
 * admin API (like Postfix's postqueue and postsuper). No queue logic here: each subcommand is one or more API calls
 * and a table.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Show and act on the running daemon's queue (through its admin API).",
        subcommands = {QueueCommand.ListMessages.class, QueueCommand.Show.class, QueueCommand.Hold.class,
            QueueCommand.Release.class, QueueCommand.Delete.class, QueueCommand.Bounce.class,
            QueueCommand.Flush.class})
final class QueueCommand {

    /** {@code queue list}: one line a message, its recipients below, like mailq. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List the queued messages, oldest first, with their recipients and where each stands."})
    static final class ListMessages implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--state", paramLabel = "STATE", description = "Only active, deferred or held messages.")
        String state;

        @Option(names = "--sender", paramLabel = "TEXT", description = "Only senders containing TEXT.")
        String sender;

        @Option(names = "--recipient", paramLabel = "TEXT", description = "Only messages to a recipient containing TEXT.")
        String recipient;

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only messages to a recipient in DOMAIN.")
        String domain;

        @Option(names = "--min-age", paramLabel = "AGE", description = "Only messages queued at least AGE (30m, 1h, 2d).")
        String minAge;

        @Option(names = "--limit", paramLabel = "N", description = "At most N messages (default 1000).")
        Integer limit;

        @Override
        public Integer call() throws IOException {
            List<String> query = new ArrayList<>();
            add(query, "state", state);
            add(query, "sender", sender);
            add(query, "recipient", recipient);
            add(query, "domain", domain);
            add(query, "min_age", minAge);
            add(query, "limit", limit == null ? null : limit.toString());
            AdminClient.Answer answer = api.call("GET", "queue" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
            if (answer == null) {
                return 1;
            }
            if (api.json) {
                api.printJson(answer);
            } else {
                QueueTables.list(JsonTree.object(answer.json()), api.out());
            }
            return 0;
        }

        private static void add(List<String> query, String name, String value) {
            if (value != null) {
                query.add(name + "=" + ApiOptions.encode(value));
            }
        }
    }

    /**
     * The messages a subcommand names by id, and the one call it makes for each: {@code METHOD queue/ID[/VERB]}.
     * Every id is tried; the command exits 1 when any call failed (its error printed).
     */
    static final class MessageIds {
        @Mixin
        ApiOptions api;

        @Parameters(paramLabel = "ID", arity = "1..*", description = "Queue ids.")
        List<String> ids;

        /** {@code verb} for each id, saying {@code ID: done} for each message it was done to. */
        int act(String method, String verb, String done) throws IOException {
            return each(api, ids, method, verb, answer -> api.out().println(JsonTree.text(answer, "id") + ": " + done));
        }

        static int each(ApiOptions api, List<String> ids, String method, String verb,
                Consumer<Map<String, Object>> table) throws IOException {
            int status = 0;
            for (String id : ids) {
                AdminClient.Answer answer = api.call(method,
                        "queue/" + ApiOptions.encode(id) + (verb.isEmpty() ? "" : "/" + verb));
                if (answer == null) {
                    status = 1;
                } else if (api.json) {
                    api.printJson(answer);
                } else {
                    table.accept(JsonTree.object(answer.json()));
                }
            }
            api.out().flush();
            return status;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show messages: envelope, each recipient's state and last reply, attempts, next retry.")
    static final class Show implements Callable<Integer> {
        @Mixin
        MessageIds messages;

        @Override
        public Integer call() throws IOException {
            ApiOptions api = messages.api;
            return MessageIds.each(api, messages.ids, "GET", "", answer -> QueueTables.show(answer, api.out()));
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true,
            description = "Hold messages: no delivery attempt until they are released (kept across restarts).")
    static final class Hold implements Callable<Integer> {
        @Mixin
        MessageIds messages;

        @Override
        public Integer call() throws IOException {
            return messages.act("POST", "hold", "held");
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Release held messages and attempt them now.")
    static final class Release implements Callable<Integer> {
        @Mixin
        MessageIds messages;

        @Override
        public Integer call() throws IOException {
            return messages.act("POST", "release", "released");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete messages from the queue. Nobody is told: use bounce to tell the sender.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        MessageIds messages;

        @Override
        public Integer call() throws IOException {
            return messages.act("DELETE", "", "deleted");
        }
    }

    @Command(name = "bounce", mixinStandardHelpOptions = true,
            description = "Fail every pending recipient, send the sender a failure report, remove the messages.")
    static final class Bounce implements Callable<Integer> {
        @Mixin
        MessageIds messages;

        @Override
        public Integer call() throws IOException {
            return messages.act("POST", "bounce", "bounced");
        }
    }

    /** {@code queue flush [--domain D] [ID...]}: every deferred message, one domain's, or the ones named. */
    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = {"Attempt deferred messages now.",
                "All of them, those for one domain (--domain), or the ones named. Held messages stay held."})
    static final class Flush implements Callable<Integer> {
        @Mixin
        ApiOptions api;

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "Only messages to a recipient in DOMAIN.")
        String domain;

        @Parameters(paramLabel = "ID", arity = "0..*", description = "Queue ids (default: every deferred message).")
        List<String> ids = List.of();

        @Override
        public Integer call() throws IOException {
            if (!ids.isEmpty() && domain != null) {
                api.err().println("posthorn: give either --domain or message ids, not both");
                api.err().flush();
                return 2;
            }
            if (!ids.isEmpty()) {
                return MessageIds.each(api, ids, "POST", "flush",
                        answer -> api.out().println(JsonTree.text(answer, "id") + ": flushed"));
            }
            AdminClient.Answer answer = api.call("POST",
                    "queue/flush" + (domain == null ? "" : "?domain=" + ApiOptions.encode(domain)));
            if (answer == null) {
                return 1;
            }
            if (api.json) {
                api.printJson(answer);
            } else {
                var document = JsonTree.object(answer.json());
                api.out().println(JsonTree.text(document, "messages") + " deferred message(s)"
                        + (domain == null ? "" : " for " + domain) + " made due now");
                api.out().flush();
            }
            return 0;
        }
    }
}
