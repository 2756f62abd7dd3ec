/**
 * The SMTP dialogue runner: {@link dev.posthorn.smtp.testing.Dialog} parses a {@code *.dialog} file (the format of
 * {@code shared/conformance/README.md}), {@link dev.posthorn.smtp.testing.DialogRunner} plays it against a server
 * over a real socket and reports a {@link dev.posthorn.smtp.testing.DialogResult} with a printable transcript.
 *
 * <p>The files are written so that any SMTP implementation can be checked with them; the runner therefore asserts
 * only what travels on the wire (codes, enhanced codes, words of the reply text, silence and closing) and never looks
 * inside a server.
 */
package dev.posthorn.smtp.testing;
