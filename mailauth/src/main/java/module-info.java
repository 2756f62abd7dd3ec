/**
 * Posthorn's mail authentication: DKIM signing and verification (RFC 6376, Ed25519 by RFC 8463), SPF (RFC 7208),
 * DMARC (RFC 7489) with its aggregate reports, and ARC (RFC 8617) verification and sealing. The checks ask DNS
 * through {@link dev.posthorn.mailauth.dns.DnsLookup} only; {@link dev.posthorn.mailauth.dns.DnsClient} answers it
 * with dnsjava, which is optional for applications that answer it themselves.
 */
module dev.posthorn.mailauth {
    requires transitive dev.posthorn.smtp.core;
    requires static transitive org.dnsjava;
    requires java.xml;

    exports dev.posthorn.mailauth;
    exports dev.posthorn.mailauth.dns;
    exports dev.posthorn.mailauth.dkim;
    exports dev.posthorn.mailauth.spf;
    exports dev.posthorn.mailauth.dmarc;
    exports dev.posthorn.mailauth.arc;
}
