"""The check harness the interop clients share: PASS/FAIL lines, checks that record rather than stop, one SMTP
transaction that returns Posthorn's queue id, and the header-field splitting they compare messages with. Python
standard library only."""

import re
import sys


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
