/**
 * Test tools for SMTP: the dialogue runner that drives any SMTP server through the shared conformance cases. It
 * speaks through a plain socket and smtp-core's reply parser only, so it tests a server from the outside exactly as a
 * remote client would see it.
 */
module dev.posthorn.smtp.testing {
    requires dev.posthorn.smtp.core;
    exports dev.posthorn.smtp.testing;
}
