package dev.posthorn.mta.maillog;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.posthorn.smtp.LogText;

/**
 * {@code %emsg} in the daemon's logback.xml: the message as {@code %msg} gives it, through {@link LogText#escape}. A
 * guard behind the escaping at each log call, which stays the rule: should a peer's value ever reach a log call
 * unescaped, it still cannot end the line, forge the next one or reorder what a terminal shows.
 */
public final class EscapedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return LogText.escape(super.convert(event));
    }
}
