/**
 * The daemon: builds the object graph from the configuration in one place (spool, router, queue runner,
 * transports, listeners) and runs it until SIGTERM. Also the two SPI implementations that connect the SMTP server to
 * the MTA: {@link dev.posthorn.mta.daemon.RecipientPolicy} (who may send where: the policy package's small policies in order) and {@link
 * dev.posthorn.mta.daemon.SpoolSink} (the commit point: no 250 before the spool has the message on disk), and {@link
 * dev.posthorn.mta.daemon.LocalSubmission}, the same commit for sendmail's local users, without a listener. {@link
 * dev.posthorn.mta.daemon.ServerMetrics} turns the server's events into meters in the daemon's one registry, which
 * the admin listener's {@code /metrics} reads ({@link dev.posthorn.mta.daemon.DaemonReadiness} answers its
 * {@code /readyz}).
 *
 * <p>Reload: what a configuration builds is one {@link dev.posthorn.mta.daemon.Setup} (router, reports, transports,
 * retry schedule, and per listener role the SMTP settings with TLS, users, policy and sinks). A reload builds a whole
 * new setup beside the running one and swaps it in at one point: the SMTP servers give it to connections accepted
 * from then on (a connection keeps the settings it was accepted with, so a transaction never changes rules half way)
 * and the queue runner to attempts started from then on. Anything that fails before the swap (the file's problems,
 * a certificate that does not load, a listener that cannot bind) leaves the running setup untouched. The spool, the
 * queue runner, the meter registry and the AUTH throttle live as long as the process; the per-address rate windows
 * start over with each setup. Settings that a running process cannot change (the spool's place, the admin
 * listener) are refused or noted.
 *
 * <p>Trust boundary: the listeners face the network; everything they pass on has gone through the protocol core's
 * validation and the policy. Relaying to other domains is allowed only for authenticated users and trusted
 * networks; a failed check (such as reading the free disk space) defers, never accepts. Local users (sendmail) are
 * trusted like authenticated ones: whoever can run a program here can send mail from here. Reload is the
 * operator's: SIGHUP from the process's owner, or the admin API with its token.
 */
package dev.posthorn.mta.daemon;
