/**
 * Captured mail for developers and tests: the sink behind {@code posthorn sink} (every accepted message written as
 * it arrived, with its envelope beside it) and the store behind {@code posthorn dev} (an SQLite index with the
 * message files beside it, searchable by mailbox, sender, recipient, subject, text, date, attachment and size).
 *
 * <p>Trust boundary: the envelope comes from the peer but has passed the protocol core's validation; file names are
 * server-made transaction ids, never peer text, and an id given by a caller (an API path) names a file only if it
 * has the form of one and is in the index. Message content is parsed by Angus Mail from the file, leniently: a
 * malformed message is stored with empty fields, never refused, and parts are windows onto the file, never copied
 * whole into memory. Every value put into SQL is a bound parameter; search terms have their {@code LIKE} wildcards
 * escaped. Header values are returned decoded but otherwise as sent: whoever displays them escapes them.
 */
package dev.posthorn.mta.capture;
