/**
 * Posthorn's SMTP protocol core: immutable protocol values and the pure codec. No sockets, no configuration, no
 * policy: bytes in, values out, so every parser here can be tested and fuzzed without a network.
 */
module dev.posthorn.smtp.core {
    exports dev.posthorn.smtp;
    exports dev.posthorn.smtp.io;
}
