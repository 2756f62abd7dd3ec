/**
 * The daemon: builds the object graph from the configuration in one place (spool, router, queue runner,
 * transports, listeners) and runs it until SIGTERM. Also the two SPI implementations that connect the SMTP server to
 * the MTA: {@link dev.posthorn.mta.daemon.RecipientPolicy} (who may send where) and {@link
 * dev.posthorn.mta.daemon.SpoolSink} (the commit point: no 250 before the spool has the message on disk), and {@link
 * dev.posthorn.mta.daemon.LocalSubmission}, the same commit for sendmail's local users, without a listener.
 *
 * <p>Trust boundary: the listeners face the network; everything they pass on has gone through the protocol core's
 * validation and the policy. Relaying to other domains is allowed only for authenticated users and trusted
 * networks; a failed check (such as reading the free disk space) defers, never accepts. Local users (sendmail) are
 * trusted like authenticated ones: whoever can run a program here can send mail from here.
 */
package dev.posthorn.mta.daemon;
