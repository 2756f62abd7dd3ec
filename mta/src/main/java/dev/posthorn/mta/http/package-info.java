/**
 * The embedded HTTP listener that the daemon's admin listener ({@code dev.posthorn.mta.admin}) and the web view of
 * {@code posthorn dev} ({@code dev.posthorn.mta.capture.web}) share: Jetty 12 set up once, with each caller's own
 * bounds.
 *
 * <p>Trust boundary: what arrives on the socket is untrusted, and it never reaches this package's code: Jetty parses
 * it within the bounds set here (request line and header fields, idle time, threads), and the caller's handler
 * decides everything else (authentication, Host and Origin checks, body limits). Jetty's own error pages show no
 * stack, cause or message, and no answer names a server version.
 */
package dev.posthorn.mta.http;
