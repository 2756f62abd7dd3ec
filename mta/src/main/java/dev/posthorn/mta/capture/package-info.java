/**
 * The capture sink behind {@code posthorn sink}: every accepted message is written as it arrived, with its envelope
 * beside it, for developers and interop tests to inspect.
 *
 * <p>Trust boundary: the envelope written to JSON comes from the peer but has passed the protocol core's validation;
 * file names are server-made transaction ids, never peer text.
 */
package dev.posthorn.mta.capture;
