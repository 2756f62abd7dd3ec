/**
 * Policy rules that answer narrow questions with a closed set of outcomes and keep only small, bounded state:
 * AUTH throttling, per-address rate limits for untrusted clients, and which envelope senders an authenticated user
 * may use (the default, or the configured {@code senders} entries).
 *
 * <p>The session policies ({@link dev.posthorn.mta.policy.SenderOwnership}, {@link
 * dev.posthorn.mta.policy.StrangerRates}, {@link dev.posthorn.mta.policy.Blocklisted}, {@link
 * dev.posthorn.mta.policy.FailedAuth}, {@link dev.posthorn.mta.policy.DiskSpace}, {@link
 * dev.posthorn.mta.policy.RelayControl}) each answer one question and word their own refusals; the daemon asks them
 * in order through {@code SessionPolicy.inOrder}, like Postfix's restriction lists, and the first refusal is the
 * answer. None of them decides whether a client is trusted: the server did that once, when it accepted the
 * connection, and each reads {@code SessionInfo.trusted()}. A policy only objects or stays silent, so adding one can
 * never open a path that a later one closes.
 *
 * <p>Trust boundary: the questions come from untrusted sessions (client addresses, user names, sender addresses);
 * the state kept per client or user is capped in size and expires, so a flood of guesses cannot grow memory. The
 * caps evict one entry at a time (Caffeine, least-used first), never the whole map, and lockouts and refusals are
 * kept apart from the counts that lead to them, so a flood of new addresses or user names cannot lift one. A limit
 * per user name alone may only slow guesses down, never refuse anyone: any client can fail as any user.
 */
package dev.posthorn.mta.policy;
