"""The check harness the interop clients share: PASS/FAIL lines, checks that record rather than stop, one SMTP
transaction that returns Posthorn's queue id, the check of Posthorn's Received field, and the header-field splitting
they compare messages with. Python
standard library only."""

import email.utils
import re
import sys
import time


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def result(name, ok, reason=""):
    print(("PASS " + name) if ok else ("FAIL %s: %s" % (name, reason)), flush=True)
    return ok


def check(name, fn, *args):
    """Runs fn(*args); any exception is this check's failure, not the script's end. Returns fn's value or None."""
    try:
        value = fn(*args)
        result(name, True)
        return value
    except Exception as e:
        result(name, False, "%s: %s" % (type(e).__name__, e))
        return None


def expect(cond, reason):
    if not cond:
        raise AssertionError(reason)


def send_for_queue_id(smtp, sender, mail_options, rcpts, data):
    """MAIL, RCPT for each recipient and DATA on an open smtplib session, each expected to get 250; returns the queue
    id that Posthorn's final reply names ("250 2.0.0 Ok: queued as ID")."""
    code, msg = smtp.mail(sender, mail_options)
    expect(code == 250, "MAIL FROM:<%s>: %d %r" % (sender, code, msg))
    for rcpt in rcpts:
        code, msg = smtp.rcpt(rcpt)
        expect(code == 250, "RCPT TO:<%s>: %d %r" % (rcpt, code, msg))
    code, msg = smtp.data(data)
    expect(code == 250, "DATA: %d %r" % (code, msg))
    found = re.fullmatch(rb"2\.0\.0 Ok: queued as (\S+)", msg)
    expect(found, "DATA reply is not '250 2.0.0 Ok: queued as ID': %r" % msg)
    return found.group(1).decode("ascii")


def split_header_field(data, offset):
    """The header field that starts at offset (its first line and every continuation line) and its end."""
    end = data.index(b"\r\n", offset) + 2
    while end < len(data) and data[end:end + 1] in (b"\t", b" "):
        end = data.index(b"\r\n", end) + 2
    return data[offset:end], end


# Posthorn's Received field (RFC 5321 4.4): from, the client's address literal, by, protocol, id, for when one
# recipient, date.
POSTHORN_RECEIVED = re.compile(
    rb"Received: from (?P<helo>[^ \r\n]+) \((?P<addr>\[[^\]\r\n]+\])\)\r\n"
    rb"\tby (?P<by>[^ \r\n]+) \(Posthorn\) with (?P<proto>[A-Z0-9]+) id (?P<id>[^;\r\n ]+)"
    rb"(?:\r\n\tfor <(?P<for>[^>\r\n]+)>)?;\r\n"
    rb"\t(?P<date>[^\r\n]+)\r\n")


def check_posthorn_received(got, at, helo, by, queue_id, rcpts):
    """Checks the Received field Posthorn wrote at offset at of got (CRLF form), for a message from a client on
    127.0.0.1 over ESMTP with HELO helo, queued as queue_id for rcpts; returns the offset after the field."""
    field, end = split_header_field(got, at)
    expect(field.startswith(b"Received: from "), "no Posthorn Received field where expected: %r" % field)
    found = POSTHORN_RECEIVED.fullmatch(field)
    expect(found, "Received field not in the expected form: %r" % field)
    expect(found.group("helo") == helo.encode(), "Received: from %r, expected %s" % (found.group("helo"), helo))
    expect(found.group("addr") == b"[127.0.0.1]", "Received: client address %r" % found.group("addr"))
    expect(found.group("by") == by.encode(), "Received: by %r, expected %s" % (found.group("by"), by))
    expect(found.group("proto") == b"ESMTP", "Received: with %r, expected ESMTP" % found.group("proto"))
    expect(found.group("id").decode("ascii", "replace") == queue_id,
           "Received: id %r, the 250 reply said %r" % (found.group("id"), queue_id))
    want_for = rcpts[0].encode("ascii") if len(rcpts) == 1 else None
    expect(found.group("for") == want_for, "Received: for %r, expected %r" % (found.group("for"), want_for))
    date = email.utils.parsedate_to_datetime(found.group("date").decode("ascii"))
    expect(date.tzinfo is not None, "Received: date without a zone: %r" % found.group("date"))
    age = time.time() - date.timestamp()
    expect(-120 < age < 600, "Received: date %r is not about now" % found.group("date"))
    return end
