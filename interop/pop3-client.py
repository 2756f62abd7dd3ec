#!/usr/bin/env python3
"""Python's poplib as a client under test, for interop/pop3 and Pop3ExternalClientsTest.

Standard library only.

    pop3-client.py check --host HOST --port PORT --user USER [--password PASSWORD] [--mode plain|stls|pop3s]
                         [--subject SUBJECT]... [--line N:TEXT]...
        Logs in and checks the maildrop: STAT counts as many messages as --subject is given; LIST and STAT agree
        on the octets; UIDL gives distinct ids; RETR of each message parses, and its Subject is the --subject in
        the same place (oldest first); each --line N:TEXT is a line of message N's text as poplib returns it (the
        byte-stuffing undone); TOP N 0 gives the header and the blank line, no body line. CAPA lists TOP, UIDL,
        USER, and STLS before TLS only (not after STLS or over pop3s). Ends with QUIT.

    pop3-client.py delete --host HOST --port PORT --user USER [--password PASSWORD] [--mode ...] --number N
        Marks message N with DELE and QUITs; then logs in again and checks that the message count dropped by one
        and that message N's UIDL is gone.

    pop3-client.py refused --host HOST --port PORT --user USER --password PASSWORD [--mode ...]
        Checks that PASS is refused with -ERR [AUTH] (RFC 3206).

    pop3-client.py injection --host HOST --port PORT
        Sends "STLS" and "CAPA" in one segment: the server must answer -ERR to STLS (plaintext pipelined after
        it, RFC 2595 4 and CVE-2011-0411) and close the connection without answering CAPA.

    pop3-client.py long-line --host HOST --port PORT
        Sends a 300-octet command line: the server must answer -ERR (RFC 2449 4: 255 octets with the CRLF) and go
        on serving (NOOP before login then gets -ERR too, QUIT gets +OK).

--mode stls upgrades with POP3.stls() and --mode pop3s connects with POP3_SSL, both with an unverified context
(posthorn dev's certificate is self-signed). Each command exits 0 when everything matches; otherwise it prints one
line saying why on stdout and exits 1.
"""

import argparse
import email
import email.policy
import os
import poplib
import socket
import ssl
import sys


class Mismatch(Exception):
    pass


def arg_text(value):
    """A command-line argument as the UTF-8 text it was written in, whatever the locale says."""
    return os.fsencode(value).decode("utf-8")


def unverified():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def connect(args):
    if args.mode == "pop3s":
        pop = poplib.POP3_SSL(args.host, args.port, timeout=30, context=unverified())
    else:
        pop = poplib.POP3(args.host, args.port, timeout=30)
    if not pop.getwelcome().startswith(b"+OK"):
        raise Mismatch("greeting %r" % pop.getwelcome())
    if args.mode == "stls":
        if "STLS" not in pop.capa():
            raise Mismatch("CAPA before TLS has no STLS: %r" % sorted(pop.capa()))
        pop.stls(unverified())
    return pop


def login(args):
    pop = connect(args)
    pop.user(args.user)
    pop.pass_(args.password)
    return pop


def check(args):
    pop = connect(args)
    capa = pop.capa()
    for name in ("TOP", "UIDL", "USER"):
        if name not in capa:
            raise Mismatch("CAPA has no %s: %r" % (name, sorted(capa)))
    if "STLS" in capa and args.mode != "plain":
        raise Mismatch("CAPA offers STLS over TLS")
    pop.user(args.user)
    pop.pass_(args.password)
    count, octets = pop.stat()
    if count != len(args.subject):
        raise Mismatch("STAT says %d messages, expected %d" % (count, len(args.subject)))
    _, listing, _ = pop.list()
    sizes = [int(line.split()[1]) for line in listing]
    if len(sizes) != count or sum(sizes) != octets:
        raise Mismatch("LIST %r does not add up to STAT %d %d" % (listing, count, octets))
    _, uids, _ = pop.uidl()
    if len({line.split()[1] for line in uids}) != count:
        raise Mismatch("UIDL ids not distinct: %r" % uids)
    texts = {}
    for number, subject in enumerate(args.subject, start=1):
        _, lines, _ = pop.retr(number)
        texts[number] = [line.decode("utf-8", "replace") for line in lines]
        message = email.message_from_bytes(b"\r\n".join(lines), policy=email.policy.default)
        if message["Subject"] != subject:
            raise Mismatch("message %d has Subject %r, expected %r" % (number, message["Subject"], subject))
        _, top, _ = pop.top(number, 0)
        if not top or top[-1] != b"" or b"" in top[:-1]:
            raise Mismatch("TOP %d 0 is not the header and a blank line: %r" % (number, top[-3:]))
    for spec in args.line:
        number, _, text = spec.partition(":")
        if text not in texts.get(int(number), []):
            raise Mismatch("message %s has no line %r" % (number, text))
    pop.quit()


def delete(args):
    pop = login(args)
    count, _ = pop.stat()
    uid = pop.uidl(args.number).split()[2]
    pop.dele(args.number)
    pop.quit()
    pop = login(args)
    after, _ = pop.stat()
    _, uids, _ = pop.uidl()
    pop.quit()
    if after != count - 1:
        raise Mismatch("%d messages after DELE and QUIT, expected %d" % (after, count - 1))
    if any(line.split()[1] == uid for line in uids):
        raise Mismatch("message %r still there after DELE and QUIT" % uid)


def refused(args):
    pop = connect(args)
    pop.user(args.user)
    try:
        pop.pass_(args.password)
    except poplib.error_proto as e:
        if not str(e.args[0], "utf-8", "replace").startswith("-ERR [AUTH]"):
            raise Mismatch("PASS refused without [AUTH]: %r" % e.args[0])
        return
    raise Mismatch("PASS %r accepted" % args.password)


def raw(args, data):
    """Connects, reads the greeting, sends data; returns the socket's reader."""
    sock = socket.create_connection((args.host, args.port), timeout=30)
    reader = sock.makefile("rb")
    greeting = reader.readline()
    if not greeting.startswith(b"+OK"):
        raise Mismatch("greeting %r" % greeting)
    sock.sendall(data)
    return sock, reader


def injection(args):
    sock, reader = raw(args, b"STLS\r\nCAPA\r\n")
    with sock:
        answer = reader.readline()
        if not answer.startswith(b"-ERR"):
            raise Mismatch("STLS with CAPA pipelined after it got %r" % answer)
        rest = reader.read()
        if rest:
            raise Mismatch("the connection stayed open and said %r" % rest[:80])


def long_line(args):
    sock, reader = raw(args, b"USER " + b"x" * 293 + b"\r\nNOOP\r\nQUIT\r\n")
    with sock:
        answers = [reader.readline() for _ in range(3)]
        if not answers[0].startswith(b"-ERR") or not answers[1].startswith(b"-ERR") \
                or not answers[2].startswith(b"+OK"):
            raise Mismatch("a 300-octet line, NOOP, QUIT got %r" % answers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "delete", "refused", "injection", "long-line"):
        sub = commands.add_parser(name)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, required=True)
        sub.add_argument("--user", type=arg_text, required=name not in ("injection", "long-line"))
        sub.add_argument("--password", type=arg_text, default="any")
        sub.add_argument("--mode", choices=("plain", "stls", "pop3s"), default="plain")
        if name == "check":
            sub.add_argument("--subject", type=arg_text, action="append", default=[])
            sub.add_argument("--line", type=arg_text, action="append", default=[])
        if name == "delete":
            sub.add_argument("--number", type=int, required=True)
    args = parser.parse_args()
    try:
        {"check": check, "delete": delete, "refused": refused, "injection": injection,
         "long-line": long_line}[args.command](args)
    except (Mismatch, poplib.error_proto, OSError) as e:
        print("%s: %s" % (args.command, e))
        sys.exit(1)


if __name__ == "__main__":
    main()
