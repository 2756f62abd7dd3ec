/**
 * Test tools for SMTP: the dialogue runner that drives any SMTP server through the shared conformance cases, and a
 * fake server with scripted replies and typed faults for testing clients. Both speak through plain sockets and
 * smtp-core's codec only, so they test the other side from the outside, exactly as a remote peer would.
 */
module dev.posthorn.smtp.testing {
    requires transitive dev.posthorn.smtp.core;
    exports dev.posthorn.smtp.testing;
}
