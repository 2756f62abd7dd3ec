/**
 * The JUnit Jupiter extension {@link dev.posthorn.junit.SmtpCapture}: a Posthorn SMTP server on a free loopback port
 * that accepts every message, stores each in a temporary file, and hands it to the test as a
 * {@link dev.posthorn.junit.CapturedMail} parsed by Jakarta Mail (Angus Mail); {@link dev.posthorn.junit.MailAssert}
 * checks one with messages that say what was captured.
 *
 * <p>Trust boundary: the clients are the code under test, on loopback; the server is Posthorn's own, with its limits
 * (size, deadlines, line lengths), so a test that sends something broken sees the refusal a real server would give.
 * Message bytes go to files in a private temporary directory (deleted when the server stops), never whole into the
 * heap; parsing reads them from the file on demand. Nothing captured is relayed or logged. With AUTH users given,
 * AUTH is enforced (MAIL without it gets {@code 530 5.7.0}); without, any credentials are accepted, as a test
 * mail server should. Certificates are generated per server and trusted only by the sessions this extension builds.
 */
package dev.posthorn.junit;
