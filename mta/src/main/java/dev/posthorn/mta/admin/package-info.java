/**
 * Operations: the admin listener ({@link dev.posthorn.mta.admin.AdminServer}, Jetty 12) with
 * {@code /metrics}, {@code /healthz}, {@code /readyz} and the JSON API under {@code /api/v1}, whose parts
 * ({@link dev.posthorn.mta.admin.ApiRoutes}) never see Jetty's types.
 *
 * <p>Trust boundary: every HTTP request is untrusted. The API needs the bearer token ({@link
 * dev.posthorn.mta.admin.AdminToken}, compared in constant time, made with mode 600); a missing or wrong one gets a
 * 401 that says nothing about the path or the token. {@code /metrics} is open to loopback clients only (the TCP
 * peer's address; no forwarding header is believed), {@code /healthz} and {@code /readyz} to all, and they disclose
 * nothing beyond counts and the names of failing checks. Bounds: request line and headers 8 KiB, a body 1 MiB
 * (checked on the declared length and counted while read), a 30 s idle timeout, at most 64 request threads. No
 * answer carries a stack trace. The mail log is {@code dev.posthorn.mta.maillog}.
 *
 * <p>The queue's routes ({@link dev.posthorn.mta.admin.QueueApi}): an id that is not a queue id is never used as a
 * file name and is shown back only as letters and digits; documents are written with Jackson's generator.
 */
package dev.posthorn.mta.admin;
