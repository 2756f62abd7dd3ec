#!/usr/bin/env python3
"""Checks on what `posthorn sink` captured, for interop/run-all.

Standard library only (CI has no jq and installs nothing through pip).

    capture-tools.py compare-eml EML EXPECTED [--with PROTOCOL]
        EML is DIR/<id>.eml as the sink wrote it. Its leading Received header (the first line, which must start
        with "Received: ", plus every continuation line starting with a TAB) is checked (it must name the sink,
        "by sink.posthorn.test", and with --with, the protocol after "with", RFC 3848 / RFC 6531) and cut off;
        the rest must equal the file EXPECTED byte for byte.

    capture-tools.py envelope JSON [--from ADDR] [--rcpt ADDR]... [--tls | --no-tls] [--user NAME | --no-user]
                     [--body KEYWORD] [--smtputf8 | --no-smtputf8]
        JSON is DIR/<id>.json. Checks the reverse path, the recipients (in order), whether the session used TLS
        (client.tlsProtocol), who authenticated (client.user) and the MAIL parameters.

Each command exits 0 when everything matches; otherwise it prints one line saying why on stdout and exits 1.
"""

import argparse
import json
import os
import sys

SINK_HOSTNAME = "sink.posthorn.test"


def arg_text(value):
    """A command-line argument as the UTF-8 text it was written in, whatever the locale says."""
    return os.fsencode(value).decode("utf-8")


class Mismatch(Exception):
    pass


def split_received(data):
    """Returns (received_header, rest): the first header field, unfolded lines included, and everything after it."""
    if not data.startswith(b"Received: "):
        raise Mismatch("the captured message does not start with 'Received: ' but with %r" % data[:40])
    pos = 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            raise Mismatch("the Received header has no CRLF")
        if data[end + 2:end + 3] == b"\t":
            pos = end + 2  # a folded continuation line: still the same header
            continue
        return data[:end + 2], data[end + 2:]


def first_difference(expected, actual):
    """A short, readable description of where two byte strings part."""
    limit = min(len(expected), len(actual))
    at = next((i for i in range(limit) if expected[i] != actual[i]), limit)
    line = expected.count(b"\n", 0, at) + 1
    lo = max(0, at - 20)
    return ("%d bytes expected, %d captured; first difference at offset %d (line %d): expected %r, captured %r"
            % (len(expected), len(actual), at, line, expected[lo:at + 30], actual[lo:at + 30]))


def compare_eml(args):
    with open(args.eml, "rb") as f:
        captured = f.read()
    with open(args.expected, "rb") as f:
        expected = f.read()
    received, rest = split_received(captured)
    if b"\tby " + SINK_HOSTNAME.encode() + b" " not in received:
        raise Mismatch("the Received header does not name %s: %r" % (SINK_HOSTNAME, received))
    if args.with_protocol is not None and b" with " + args.with_protocol.encode() + b" " not in received:
        raise Mismatch("the Received header does not say 'with %s': %r" % (args.with_protocol, received))
    if rest != expected:
        raise Mismatch(first_difference(expected, rest))


def envelope(args):
    with open(args.json, "rb") as f:
        env = json.load(f)
    client = env.get("client", {})
    params = env.get("parameters", {})
    if args.sender is not None and env.get("from") != arg_text(args.sender):
        raise Mismatch("from is %r, expected %r" % (env.get("from"), arg_text(args.sender)))
    if args.rcpt:
        got = [r.get("address") for r in env.get("recipients", [])]
        want = [arg_text(r) for r in args.rcpt]
        if got != want:
            raise Mismatch("recipients are %r, expected %r" % (got, want))
    if args.tls is True and not client.get("tlsProtocol"):
        raise Mismatch("client.tlsProtocol is missing: the session was not under TLS")
    if args.tls is False and "tlsProtocol" in client:
        raise Mismatch("client.tlsProtocol is %r on a plaintext session" % client["tlsProtocol"])
    if args.user is not None and client.get("user") != args.user:
        raise Mismatch("client.user is %r, expected %r" % (client.get("user"), args.user))
    if args.no_user and "user" in client:
        raise Mismatch("client.user is %r on a session without AUTH" % client["user"])
    if args.body is not None and params.get("body") != args.body:
        raise Mismatch("parameters.body is %r, expected %r" % (params.get("body"), args.body))
    if args.smtputf8 is not None and params.get("smtputf8") is not args.smtputf8:
        raise Mismatch("parameters.smtputf8 is %r, expected %r" % (params.get("smtputf8"), args.smtputf8))


def main():
    parser = argparse.ArgumentParser(description="Checks on what posthorn sink captured.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("compare-eml")
    p.add_argument("eml")
    p.add_argument("expected")
    p.add_argument("--with", dest="with_protocol")
    p.set_defaults(run=compare_eml)

    p = sub.add_parser("envelope")
    p.add_argument("json")
    p.add_argument("--from", dest="sender")
    p.add_argument("--rcpt", action="append", default=[])
    p.add_argument("--tls", dest="tls", action="store_true", default=None)
    p.add_argument("--no-tls", dest="tls", action="store_false")
    p.add_argument("--user")
    p.add_argument("--no-user", action="store_true")
    p.add_argument("--body")
    p.add_argument("--smtputf8", dest="smtputf8", action="store_true", default=None)
    p.add_argument("--no-smtputf8", dest="smtputf8", action="store_false")
    p.set_defaults(run=envelope)

    args = parser.parse_args()
    try:
        args.run(args)
    except Mismatch as e:
        print(e)
        return 1
    except (OSError, ValueError) as e:
        print("%s: %s" % (type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
