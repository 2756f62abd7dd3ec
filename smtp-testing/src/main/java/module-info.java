/**
 * Test tools for SMTP: the dialogue runner that drives any SMTP server through the shared conformance cases, and a DNS
 * responder that serves fixed zone data to the resolvers under test. The runner speaks through a plain socket and
 * smtp-core's reply parser only, so it tests a server from the outside exactly as a remote client would see it; the
 * responder speaks the DNS wire format through dnsjava's codec.
 */
module dev.posthorn.smtp.testing {
    requires dev.posthorn.smtp.core;
    requires org.dnsjava;
    exports dev.posthorn.smtp.testing;
}
