/**
 * Test tools for SMTP: the dialogue runner that drives any SMTP server through the shared conformance cases, a fake
 * server with scripted replies and typed faults for testing clients, and a DNS responder that serves fixed zone data
 * to the resolvers under test. The runner and the fake speak through plain sockets and smtp-core's codec only, so
 * they test the other side from the outside, exactly as a remote peer would; the responder speaks the DNS wire
 * format through dnsjava's codec.
 */
module dev.posthorn.smtp.testing {
    requires transitive dev.posthorn.smtp.core;
    requires org.dnsjava;
    exports dev.posthorn.smtp.testing;
}
