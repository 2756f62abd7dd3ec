#!/usr/bin/env python3
"""Python's smtplib as a client under test, for interop/run-all.

    smtplib-client.py sendmail --port PORT [--starttls] [--login USER:PASSWORD] --from ADDR --to ADDR...
                      [--mail-option OPTION]... --data FILE
        Sends the bytes of FILE unchanged with SMTP.sendmail(from, to, bytes, mail_options). smtplib only
        dot-stuffs them and ends DATA; FILE must already use CRLF and end with one.

    smtplib-client.py send-message --port PORT [--starttls] [--login USER:PASSWORD] --token TOKEN
                      --expected FILE
        Builds an email.message.EmailMessage, writes to FILE the exact bytes send_message() will put on the wire
        (the same BytesGenerator call smtplib makes, CRLF line ends), then sends it with SMTP.send_message().

--starttls upgrades with an unverified SSL context (the sink's certificate is self-signed). The SMTP transcript
goes to stderr (smtplib's debug output). Exits 0 when the server accepted the message for every recipient.
"""

import argparse
import email.generator
import email.message
import io
import os
import smtplib
import ssl
import sys

HELO_NAME = "client.posthorn.test"


def arg_text(value):
    """A command-line argument as the UTF-8 text it was written in, whatever the locale says."""
    return os.fsencode(value).decode("utf-8")


def connect(args):
    smtp = smtplib.SMTP("127.0.0.1", args.port, local_hostname=HELO_NAME, timeout=30)
    smtp.set_debuglevel(1)
    smtp.ehlo()
    if args.starttls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        smtp.starttls(context=context)
        smtp.ehlo()
    if args.login:
        user, password = args.login.split(":", 1)
        smtp.login(user, password)
    return smtp


def sendmail(args):
    with open(args.data, "rb") as f:
        data = f.read()
    with connect(args) as smtp:
        refused = smtp.sendmail(arg_text(args.sender), [arg_text(t) for t in args.to], data,
                                mail_options=args.mail_option)
    if refused:
        print("refused recipients: %r" % refused, file=sys.stderr)
        return 1
    return 0


def build_message(token):
    msg = email.message.EmailMessage()
    msg["From"] = "Interop Sender <sender@client.posthorn.test>"
    msg["To"] = "rcpt@sink.posthorn.test"
    msg["Subject"] = "interop " + token
    msg["Message-ID"] = "<%s@client.posthorn.test>" % token
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    msg.set_content("Hello from smtplib send_message.\n"
                    ".leading dot\n"
                    ".\n"
                    "last line\n")
    return msg


def wire_bytes(msg):
    """What SMTP.send_message() sends for a message without Bcc and without non-ASCII addresses."""
    with io.BytesIO() as out:
        email.generator.BytesGenerator(out).flatten(msg, linesep="\r\n")
        return out.getvalue()


def send_message(args):
    msg = build_message(args.token)
    with open(args.expected, "wb") as f:
        f.write(wire_bytes(msg))
    with connect(args) as smtp:
        refused = smtp.send_message(msg)
    if refused:
        print("refused recipients: %r" % refused, file=sys.stderr)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description="smtplib client for the Posthorn interop test.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--port", type=int, required=True)
    common.add_argument("--starttls", action="store_true")
    common.add_argument("--login", metavar="USER:PASSWORD")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sendmail", parents=[common])
    p.add_argument("--from", dest="sender", required=True)
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--mail-option", action="append", default=[])
    p.add_argument("--data", required=True)
    p.set_defaults(run=sendmail)

    p = sub.add_parser("send-message", parents=[common])
    p.add_argument("--token", required=True)
    p.add_argument("--expected", required=True)
    p.set_defaults(run=send_message)

    args = parser.parse_args()
    try:
        return args.run(args)
    except (smtplib.SMTPException, OSError) as e:
        print("smtplib-client: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
