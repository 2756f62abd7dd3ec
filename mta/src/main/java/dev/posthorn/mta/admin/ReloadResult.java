package dev.posthorn.mta.admin;

import java.util.List;

/**
 * What a reload did.
 *
 * @param applied  whether the new configuration now runs; false leaves the old one running, untouched
 * @param problems why it was refused: the configuration's problems as {@code file:line:column: key: reason}, or the
 *                 part that could not be built (a certificate, a listener that cannot bind)
 * @param notes    what the operator should know of an applied reload (settings that wait for a restart)
 */
public record ReloadResult(boolean applied, List<String> problems, List<String> notes) {

    public ReloadResult {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public static ReloadResult refused(List<String> problems) {
        return new ReloadResult(false, problems, List.of());
    }
}
