package dev.posthorn.mta.cli;

/**
 * Runs an action when the JVM is asked to stop (SIGTERM, SIGINT) and then ends the process with status 0: a stop
 * requested by the operator is a clean stop, not a failure (left alone, the JVM would exit with 143).
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable action) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                action.run();
            } finally {
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
        }, "posthorn-stop"));
    }
}
