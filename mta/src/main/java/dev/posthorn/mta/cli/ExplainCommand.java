package dev.posthorn.mta.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code posthorn explain ID}: why a message is still queued, attempt by attempt: for each recipient the route, the
 * MX list with preferences and addresses, the host tried, TLS outcome and policy, the last lines of the SMTP dialogue
 * and the result; then the next retry.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Explain what became of a queued message.",
            "Every attempt of every recipient, with the MX hosts, the host tried, TLS, the end of the SMTP",
            "dialogue and the reply, then the next retry."})
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Parameters(paramLabel = "ID", description = "The queue id.")
    String id;

    @Override
    public Integer call() throws IOException {
        AdminClient.Answer answer = api.call("GET", "queue/" + ApiOptions.encode(id) + "/explain");
        if (answer == null) {
            return 1;
        }
        if (api.json) {
            api.printJson(answer);
        } else {
            QueueTables.explain(JsonTree.object(answer.json()), api.out());
        }
        return 0;
    }
}
