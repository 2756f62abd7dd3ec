"""The check harness the interop clients share: PASS/FAIL lines, checks that record rather than stop, and the
header-field splitting they compare messages with. Python standard library only."""

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


def split_header_field(data, offset):
    """The header field that starts at offset (its first line and every continuation line) and its end."""
    end = data.index(b"\r\n", offset) + 2
    while end < len(data) and data[end:end + 1] in (b"\t", b" "):
        end = data.index(b"\r\n", end) + 2
    return data[offset:end], end
