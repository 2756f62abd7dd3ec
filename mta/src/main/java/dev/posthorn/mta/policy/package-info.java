/**
 * Policy rules that answer narrow questions with a closed set of outcomes and keep only small, bounded state:
 * AUTH throttling, per-address rate limits for untrusted clients, and which envelope senders an authenticated user
 * may use (the default, or the configured {@code senders} entries).
 *
 * <p>Trust boundary: the questions come from untrusted sessions (client addresses, user names, sender addresses);
 * the state kept per client or user is capped in size and expires, so a flood of guesses cannot grow memory.
 */
package dev.posthorn.mta.policy;
