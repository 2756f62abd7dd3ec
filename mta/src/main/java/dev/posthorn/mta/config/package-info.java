/**
 * The daemon's configuration: one YAML file mapped to immutable, validated records ({@link
 * dev.posthorn.mta.config.Config} and its parts), loaded by {@link dev.posthorn.mta.config.ConfigLoader} and printed
 * by {@link dev.posthorn.mta.config.ConfigPrinter}. Defaults live in one place ({@code Defaults}, reached through
 * {@link dev.posthorn.mta.config.Config#defaults()}); the loader takes a missing key's value from there and the
 * printer shows those values, so {@code posthorn config defaults} cannot drift from what the daemon uses.
 *
 * <p>This package only reads files: the model it fills in lives with the code that uses it. Local domains, their
 * mailboxes, aliases and local delivery ({@code LocalDomain}, {@code Mailboxes}, {@code LocalDelivery}), routes and
 * LMTP servers ({@code RouteTarget}, {@code LmtpTarget}), and the name grammars the file shares with them
 * ({@code Names}, {@code HostPort}, {@code IpLiteral}) are in {@code routing}; outbound TLS levels ({@code TlsPolicy})
 * in {@code tls}. What stays here are settings records (limits, listeners, queue timing, logging, inbound checks),
 * handed to the parts they set up; routing, delivery, the queue and the spool do not import this package.
 *
 * <p>Shape: {@code YamlFile} turns the file into a YAML node tree (the Compose API: nodes with line and column, no
 * objects built); {@code Value} and {@code Section} read that tree with key paths, recording a {@link
 * dev.posthorn.mta.config.Problem} and carrying on where a value is wrong; {@code ConfigLoader},
 * {@code DomainReader} and {@code OutboundReader} read the sections, {@code AliasCheck} checks aliases across
 * domains; the records' compact constructors guard the same invariants for code that builds a configuration by
 * hand. All problems are reported together, sorted by line, in the {@code file:line:column: key: reason} form.
 *
 * <p>Trust boundary: the file is trusted operator input, but it is still validated as if it were not, because a
 * typo must stop the daemon at start with a precise message rather than turn into an open relay or lost mail.
 * Loading is safe YAML only: at most 1 MiB of UTF-8, the YAML 1.2 core schema, tags outside it refused, ten aliases
 * of collections at most (no "billion laughs"), nesting at most 32 deep (the composer is recursive), duplicate and
 * unknown keys refused. Loading never touches the network: addresses must be IP literals (listeners, networks, DNS
 * resolvers), and host names (an LMTP host, a smarthost, the server of a route) are resolved only when they are
 * used, never at load time. Nor does it read the files it names (TLS keys, Maildirs, the relay's password file):
 * they are opened by the code that uses them, which can say what is wrong with their content. DKIM keys are the
 * exception: they are read and checked at load ({@code DkimReader}), since a signing key that does not work would
 * otherwise show only as unsigned mail, bounced by receivers that enforce DMARC. The password file is
 * looked at, though not read: it must exist (the daemon would otherwise find out at its first delivery), and one that
 * every user may read is logged as a warning.
 *
 * <p>Durations are written as an integer and one unit, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 4h} or
 * {@code 5d} ({@code DurationLiteral}), and are always positive.
 *
 * <p>Local parts of local mailboxes and aliases are compared without regard to case and kept in lower case; a
 * local part that comes from a client reaches a file name only through
 * {@link dev.posthorn.mta.routing.LocalDelivery.Maildir#folderOf(String)}, which refuses anything that could leave the
 * Maildir root.
 */
package dev.posthorn.mta.config;
