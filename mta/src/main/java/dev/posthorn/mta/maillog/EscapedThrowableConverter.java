package dev.posthorn.mta.maillog;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.posthorn.smtp.LogText;
import java.util.Arrays;

/**
 * {@code %eex} in the daemon's logback.xml: a logged exception's stack trace as {@code %ex} writes it, with the
 * message of the exception and of each cause and suppressed one through {@link LogText#escape}. Exception messages
 * quote what went wrong, and that is often a peer's text (a reply, a header, a DNS name, a file's content); the stack
 * trace's own lines are Posthorn's and the JDK's class and method names.
 */
public final class EscapedThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return super.throwableProxyToString(Escaped.of(proxy));
    }

    /** {@code proxy} with its message, and its causes' and suppressed exceptions', escaped. */
    private record Escaped(IThrowableProxy proxy) implements IThrowableProxy {

        static IThrowableProxy of(IThrowableProxy proxy) {
            return proxy == null ? null : new Escaped(proxy);
        }

        @Override
        public String getMessage() {
            return proxy.getMessage() == null ? null : LogText.escape(proxy.getMessage());
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return of(proxy.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = proxy.getSuppressed();
            return suppressed == null ? null : Arrays.stream(suppressed).map(Escaped::of)
                    .toArray(IThrowableProxy[]::new);
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }
}
