/**
 * ARC, the Authenticated Received Chain (RFC 8617): verifying the ARC sets a message arrives with, and adding one
 * when Posthorn forwards a message, so that a later receiver can see what the authentication results were here
 * before forwarding broke SPF (and perhaps DKIM).
 *
 * <p>Shape: {@link dev.posthorn.mailauth.arc.ArcVerifier} reads the sets ({@code ArcStructure}: instance numbers, one of
 * each field per instance, contiguous from 1, the {@code cv=} rules of RFC 8617 5.2 step 4), checks the latest
 * ARC-Message-Signature as DKIM checks a signature, then every ARC-Seal, newest first, and gives one
 * {@link dev.posthorn.mailauth.arc.ArcResult} (pass, fail or none, with {@code header.oldest-pass}).
 * {@link dev.posthorn.mailauth.arc.ArcSealer} writes a new set: ARC-Authentication-Results copying this server's
 * Authentication-Results, an ARC-Message-Signature and an ARC-Seal with the chain's status as {@code cv=}. Both build
 * on the DKIM package (header section, tag lists, canonicalization, body hash, key records, algorithms): ARC is DKIM
 * with other field names, and nothing of it is written twice. Keys come through
 * {@link dev.posthorn.mailauth.dkim.KeyLookup}, so this package depends on the DKIM package and the DNS answer type only,
 * never on the daemon.
 *
 * <p>Trust boundary: every ARC field and key record is attacker-controlled, and a chain may claim up to 50 instances
 * of three signed fields each. Bounded: the header section as DKIM bounds it (1 MiB, 10,000 fields); more than
 * {@value dev.posthorn.mailauth.arc.ArcStructure#MAX_FIELDS} ARC fields or an instance above
 * {@value dev.posthorn.mailauth.arc.ArcStructure#MAX_INSTANCE} fail before any cryptography; at most
 * {@value dev.posthorn.mailauth.arc.ArcVerifier#MAX_KEY_LOOKUPS} distinct key records are looked up per message, and none
 * after {@link dev.posthorn.mailauth.arc.ArcVerifier#TIME_LIMIT}; the body is read once. Any doubt is {@code fail}:
 * ARC has no temperror (RFC 8617 5.2), and a chain that cannot be checked now vouches for nothing. A
 * {@code pass} only says which domains handled the message; whether to believe their results is the receiver's
 * local policy (RFC 8617 7.2), and Posthorn uses it for nothing but the Authentication-Results field.
 *
 * <p>Not done: the ARC-Authentication-Results content is not interpreted (a receiver's policy could); AMS
 * {@code l=} with octets after it fails rather than passing as DKIM's {@code policy}.
 */
package dev.posthorn.mailauth.arc;
