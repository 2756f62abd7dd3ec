/**
 * DKIM (RFC 6376) signing and verification, with rsa-sha256 and ed25519-sha256 (RFC 8463), written here on the
 * JDK's own cryptography: no maintained Java DKIM library exists, and the protocol is small enough to own.
 *
 * <p>Shape: {@link dev.posthorn.mailauth.dkim.DkimSigner} makes DKIM-Signature fields for outgoing mail, which the
 * receiving side puts in the spool envelope's header fields (delivered on top of the body) rather than rewriting the
 * body; {@link dev.posthorn.mailauth.dkim.DkimVerifier} checks a received message and gives one
 * {@link dev.posthorn.mailauth.dkim.DkimResult} per signature, in Authentication-Results terms (RFC 8601), for the code
 * that writes that field and evaluates DMARC. Key records come through a {@link dev.posthorn.mailauth.dkim.KeyLookup}:
 * DNS TXT ({@link dev.posthorn.mailauth.dns.DnsLookup#txt}) in the daemon and the library's
 * {@link dev.posthorn.mailauth.Authenticator}, a file on the Posthorn command line.
 * {@link dev.posthorn.mailauth.dkim.KeyFile} reads and writes PKCS#8 PEM keys and writes the DNS record to publish.
 * Inside: {@code TagList} (RFC 6376 3.2), {@code HeaderSection}/{@code HeaderField} (the header read as octets),
 * {@code Canonicalization} (3.4, streaming for bodies), {@code BodyHash} (with {@code l=}), {@code HeaderSelection}
 * (5.4.2, oversigning), {@code SignatureField} (3.5, the checks of 6.1.1), {@code KeyRecord} (3.6.1).
 *
 * <p>Memory: only the header section is held (at most 1 MiB and 10,000 fields); bodies are streamed through the
 * canonicalization into SHA-256, once per message however many signatures share a canonicalization. Header text is
 * handled as ISO-8859-1 strings, one char per octet, so that 8-bit header fields hash as the octets they are.
 *
 * <p>Signing policy: the signing domain is the author's (the one From mailbox), or its nearest parent domain with
 * keys, so that DMARC finds an aligned signature; relaxed/relaxed, which survives the white space and folding
 * changes common in transit; the configured fields as often as they occur, and {@code From} once more
 * (oversigning: no second From can be added at the top); {@code t=} always, {@code x=} when configured. Which
 * messages are signed (authenticated users and trusted clients, not mail arriving from the Internet) is decided by
 * the daemon, not here.
 *
 * <p>Trust boundary: every DKIM-Signature field and key record is attacker-controlled. Tag lists are parsed strictly
 * (a duplicate tag or a bad character invalidates the whole list); at most
 * {@value dev.posthorn.mailauth.dkim.DkimVerifier#MAX_SIGNATURES} signatures per message are checked; RSA keys of fewer
 * than 1024 bits (RFC 8301) or more than 8192 are refused; rsa-sha1 is refused (RFC 8301); a signature must sign
 * From (RFC 6376 5.4) and may not be expired ({@code x=}); a body longer than {@code l=} gives {@code policy}, never
 * {@code pass}, since the unsigned rest could say anything (RFC 6376 8.2). A key lookup that fails for now is a
 * TEMPERROR, never a pass or a permanent failure. Text from the message reaches a result only as printable ASCII.
 *
 * <p>Shared with ARC ({@code dev.posthorn.mailauth.arc}), whose fields are DKIM signatures under other names: the header
 * section and fields, tag lists, canonicalizations, body hashes ({@code BodyHash.read}), key records
 * ({@code KeyRecord.fetch}), algorithms, {@code SignatureField.parseArc} and {@code FieldFolder} are public for it,
 * and so exported with the module: building blocks for other protocols on DKIM's canonical forms. The trust rules
 * above hold for every use of them.
 *
 * <p>Not done: {@code z=} copied headers are ignored; the verifier takes one key record per selector (RFC 6376
 * 3.6.2.2 leaves several undefined, and they are refused); the testing flag {@code t=y} does not change results
 * (receivers weigh it, RFC 6376 3.6.1).
 */
package dev.posthorn.mailauth.dkim;
