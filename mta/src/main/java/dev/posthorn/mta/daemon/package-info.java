/**
 * The daemon: builds the object graph from the configuration in one place (spool, router, queue runner,
 * transports, listeners) and runs it until SIGTERM. Also the two SPI implementations that connect the SMTP server to
 * the MTA: {@link dev.posthorn.mta.daemon.RecipientPolicy} (who may send where) and {@link
 * dev.posthorn.mta.daemon.SpoolSink} (the commit point: no 250 before the spool has the message on disk), and
 * {@link dev.posthorn.mta.daemon.ServerMetrics}, the server's events as meters in the daemon's one registry, which the
 * admin listener's {@code /metrics} reads ({@link dev.posthorn.mta.daemon.DaemonReadiness} answers its
 * {@code /readyz}).
 *
 * <p>Trust boundary: the listeners face the network; everything they pass on has gone through the protocol core's
 * validation and the policy. Relaying to other domains is allowed only for authenticated users and trusted
 * networks; a failed check (such as reading the free disk space) defers, never accepts.
 */
package dev.posthorn.mta.daemon;
