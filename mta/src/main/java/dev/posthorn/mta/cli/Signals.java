package dev.posthorn.mta.cli;

/**
 * Runs an action when the JVM is asked to stop (SIGTERM, SIGINT) and then ends the process with status 0: a stop
 * requested by the operator is a clean stop, not a failure (left alone, the JVM would exit with 143).
 */
final class Signals {

    private Signals() {
    }

    /**
     * Runs {@code action} on each SIGHUP (the reload signal of every Unix daemon), one at a time; a failure is logged
     * and the process goes on. Without a handler, SIGHUP would stop the JVM.
     *
     * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to catch a signal; it is reached by
     * reflection because the compiler warns about every direct use of it, and the build turns warnings into errors.
     */
    static void onHangup(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hangup = signal.getConstructor(String.class).newInstance("HUP");
            Object onSignal = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(),
                    new Class<?>[] {handler}, (proxy, method, arguments) -> {
                        if (method.getName().equals("handle")) {
                            hangup(action);
                            return null;
                        }
                        return method.invoke(action, arguments); // toString, hashCode, equals
                    });
            signal.getMethod("handle", signal, handler).invoke(null, hangup, onSignal);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIGHUP on this JVM", e);
        }
    }

    private static synchronized void hangup(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Signals.class).error("SIGHUP: reload failed", e);
        }
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
