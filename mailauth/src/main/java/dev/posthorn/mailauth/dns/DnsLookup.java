package dev.posthorn.mailauth.dns;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The DNS questions message authentication asks (SPF, DKIM, DMARC, ARC, and the report destinations), and nothing
 * of how they are answered: {@link DnsClient} answers them over the wire; a library user or a test may answer them
 * otherwise. Every answer is an {@link Answer}, so that "no such name", "no data" and "could not ask" stay apart
 * (SPF's and DMARC's temperror).
 */
public interface DnsLookup {

    /**
     * The TXT records at {@code name}, each record's character strings joined without anything between them
     * (RFC 7208 3.3, RFC 6376 3.6.2.2), every octet one character (ISO-8859-1).
     */
    Answer<String> txt(String name);

    /** The IPv4 addresses of {@code name}. */
    Answer<InetAddress> a(String name);

    /** The IPv6 addresses of {@code name}. */
    Answer<InetAddress> aaaa(String name);

    /** The MX records of {@code name}, in DNS order. */
    Answer<Exchanger> mx(String name);

    /** The names the reverse zone gives for {@code address} (PTR records). */
    Answer<String> ptr(InetAddress address);

    /** The addresses of {@code name} of the same family as {@code like}: A for IPv4, AAAA for IPv6 (SPF). */
    default Answer<InetAddress> addresses(String name, InetAddress like) {
        return like instanceof Inet4Address ? a(name) : aaaa(name);
    }
}
