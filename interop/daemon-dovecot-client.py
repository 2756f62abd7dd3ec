#!/usr/bin/env python3
"""The SMTP and IMAP side of interop/daemon-dovecot (Python 3 standard library only).

    daemon-dovecot-client.py SMTP_PORT IMAP_PORT [DELIVERY_TIMEOUT]

Sends messages to the Posthorn daemon on 127.0.0.1:SMTP_PORT with smtplib, waits (polling Dovecot's IMAP on
127.0.0.1:IMAP_PORT, at most DELIVERY_TIMEOUT seconds, default 30) until they are in the INBOXes of alice and bob,
fetches every message with BODY.PEEK[] and compares it byte for byte with what was sent after removing exactly
the trace header fields added on the way:

    Return-Path: <sender>          Dovecot, always
    Delivered-To: rcpt             Dovecot, only when the LMTP transaction had exactly one recipient
    Received: from ... (Posthorn)  Posthorn, in front of the message as it came in over SMTP

Posthorn's configuration (written by interop/daemon-dovecot): hostname mx.posthorn.test; example.test with
mailboxes alice and bob and the alias team -> [alice, bob], delivered over LMTP on TCP; unix.test with alice,
delivered over LMTP on Dovecot's unix socket. Dovecot delivers alice@ANY-DOMAIN to the user alice.

Prints "PASS name" or "FAIL name: reason" per check; the transcript of each SMTP session and IMAP fetch goes to
stderr. Exits 0 (the driver counts the lines); 1 only on a usage error.
"""

import imaplib
import re
import smtplib
import sys
import time

from checks import check, check_posthorn_received, expect, log, result, send_for_queue_id, split_header_field

HOST = "127.0.0.1"
HELO_NAME = "client.posthorn.test"
MX_HOSTNAME = "mx.posthorn.test"
PASSWORD = "wonderland"
TIMEOUT = 15  # seconds per network operation


# ----------------------------------------------------------------------------------------------------------------
# The messages, as given to smtplib: CRLF line ends, ending in CRLF. smtplib only dot-stuffs them (and removes
# nothing): what Dovecot stores must be these bytes exactly, below the trace fields.

class Message:
    def __init__(self, name, sender, rcpts, data, users, mail_options=()):
        self.name = name
        self.sender = sender            # MAIL FROM ("" is the null sender)
        self.rcpts = rcpts              # RCPT TO, in order
        self.data = data                # the bytes sent
        self.users = users              # Dovecot user -> the Delivered-To expected (None: no Delivered-To)
        self.mail_options = list(mail_options)
        self.queue_id = None            # from Posthorn's "250 2.0.0 Ok: queued as ID"
        self.message_id = re.search(rb"\r\nMessage-ID: (<[^>\r\n]+>)\r\n", b"\r\n" + data).group(1)


def headers(message_id, subject, extra=b""):
    return (b"From: Daemon Interop <sender@client.posthorn.test>\r\n"
            b"Subject: " + subject + b"\r\n"
            b"Message-ID: " + message_id + b"\r\n"
            b"Date: Mon, 01 Jan 2024 12:00:00 +0000\r\n" + extra)


MESSAGES = [
    # (1) one recipient: one LMTP transaction with one RCPT, so Dovecot adds Delivered-To.
    Message("single-alice", "sender@client.posthorn.test", ["alice@example.test"],
            headers(b"<single-alice@client.posthorn.test>", b"to alice alone",
                    b"To: alice@example.test\r\n") +
            b"\r\n"
            b"Hello Alice,\r\n"
            b"\r\n"
            b"one message, one recipient.\r\n",
            {"alice": "alice@example.test"}),
    # (2) an alias: Posthorn expands team to alice and bob and delivers in one LMTP transaction with two RCPTs,
    # so Dovecot adds no Delivered-To; Posthorn's Received names the one SMTP recipient, team.
    Message("alias-team", "sender@client.posthorn.test", ["team@example.test"],
            headers(b"<alias-team@client.posthorn.test>", b"to the team,\r\n\tfolded",
                    b"To: team@example.test\r\n") +
            b"\r\n"
            b"Hello team,\r\n"
            b"\r\n"
            b"trailing white space \t\r\n"
            b"the end\r\n",
            {"alice": None, "bob": None}),
    # (3) over Dovecot's unix socket, from the null sender.
    Message("unix-alice", "", ["alice@unix.test"],
            headers(b"<unix-alice@client.posthorn.test>", b"over the unix socket",
                    b"To: alice@unix.test\r\n") +
            b"\r\n"
            b"delivered over LMTP on a unix socket\r\n",
            {"alice": "alice@unix.test"}),
    # (4) what a byte-exact path must keep: lines starting with dots (dot-stuffed on both hops), a line of more
    # than 1000 octets, 8-bit UTF-8 in header and body, sent with BODY=8BITMIME.
    Message("8bit-bob", "sender@client.posthorn.test", ["bob@example.test"],
            headers(b"<8bit-bob@client.posthorn.test>", b"dots, a long line and 8-bit text",
                    b"To: bob@example.test\r\n"
                    b"X-Comment: caf\xc3\xa9 \xe2\x80\x94 8-bit in a header\r\n"
                    b"MIME-Version: 1.0\r\n"
                    b"Content-Type: text/plain; charset=utf-8\r\n"
                    b"Content-Transfer-Encoding: 8bit\r\n") +
            b"\r\n"
            b".a line that starts with a dot\r\n"
            b"..two dots\r\n"
            b".\r\n"
            b"the line above is a single dot\r\n"
            + b"L" * 1500 + b"\r\n"
            b"\xc3\xa9t\xc3\xa9, gr\xc3\xbc\xc3\x9fe, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e, \xf0\x9f\x93\xaf\r\n"
            b".\r\n",
            {"bob": "bob@example.test"},
            mail_options=["BODY=8BITMIME"]),
]
BY_MESSAGE_ID = {m.message_id: m for m in MESSAGES}
EXPECTED_COUNT = {}
for _m in MESSAGES:
    for _u in _m.users:
        EXPECTED_COUNT[_u] = EXPECTED_COUNT.get(_u, 0) + 1


# ----------------------------------------------------------------------------------------------------------------
# SMTP

def connect(port):
    smtp = smtplib.SMTP(HOST, port, local_hostname=HELO_NAME, timeout=TIMEOUT)
    smtp.set_debuglevel(1)  # the transcript, on stderr
    code, msg = smtp.ehlo()
    expect(code == 250, "EHLO: %d %r" % (code, msg))
    return smtp


def send(port, message):
    """One SMTP transaction; records the queue id from the final 250 reply."""
    log("--- SMTP: %s" % message.name)
    smtp = connect(port)
    try:
        if "BODY=8BITMIME" in message.mail_options:
            expect(smtp.has_extn("8bitmime"), "8BITMIME not advertised: %r" % smtp.esmtp_features)
        message.queue_id = send_for_queue_id(smtp, message.sender, message.mail_options, message.rcpts, message.data)
        smtp.quit()
    finally:
        smtp.close()


def unknown_recipient(port):
    """RCPT to an address that is neither a mailbox nor an alias of example.test: 550 5.1.1 at RCPT time."""
    log("--- SMTP: unknown recipient")
    smtp = connect(port)
    try:
        code, msg = smtp.mail("sender@client.posthorn.test")
        expect(code == 250, "MAIL: %d %r" % (code, msg))
        code, msg = smtp.rcpt("nobody@example.test")
        expect(code == 550 and msg.startswith(b"5.1.1 "), "RCPT TO:<nobody@example.test>: %d %r, expected 550 5.1.1"
               % (code, msg))
        # The transaction is still usable without it: RSET, then a clean QUIT.
        code, msg = smtp.rset()
        expect(code == 250, "RSET: %d %r" % (code, msg))
        smtp.quit()
    finally:
        smtp.close()


# ----------------------------------------------------------------------------------------------------------------
# IMAP

def fetch_all(port, user):
    """Every message in user's INBOX, as a list of bytes (BODY.PEEK[], UID order)."""
    imap = imaplib.IMAP4(HOST, port, timeout=TIMEOUT)
    try:
        imap.login(user, PASSWORD)
        typ, data = imap.select("INBOX", readonly=True)
        expect(typ == "OK", "SELECT: %r" % data)
        if int(data[0]) == 0:
            imap.logout()
            return []
        typ, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[])")
        expect(typ == "OK", "FETCH: %r" % data)
        imap.logout()
        return [item[1] for item in data if isinstance(item, tuple)]
    finally:
        try:
            imap.shutdown()
        except Exception:
            pass


def wait_for_delivery(port, deadline):
    """Polls until every user holds at least the expected number of messages, or the deadline passes."""
    counts = {}
    while True:
        counts = {user: len(fetch_all(port, user)) for user in EXPECTED_COUNT}
        if all(counts[u] >= n for u, n in EXPECTED_COUNT.items()):
            return counts
        if time.monotonic() >= deadline:
            raise AssertionError("after the deadline: INBOX counts %r, expected %r" % (counts, EXPECTED_COUNT))
        time.sleep(0.25)


# ----------------------------------------------------------------------------------------------------------------
# The comparison

def trace(message, user, got):
    """Checks the trace fields in front of got; returns the rest (what must equal the sent bytes)."""
    at = 0
    # Dovecot: Return-Path, always first.
    want = b"Return-Path: <" + message.sender.encode("ascii") + b">\r\n"
    field, end = split_header_field(got, at)
    expect(field == want, "first field is %r, expected %r" % (field, want))
    at = end
    # Dovecot: Delivered-To when the LMTP transaction had one recipient, otherwise none.
    field, end = split_header_field(got, at)
    delivered_to = message.users[user]
    if delivered_to is None:
        expect(not field.lower().startswith(b"delivered-to:"),
               "Delivered-To present although the LMTP transaction should have had several recipients: %r"
               % field)
    else:
        want = b"Delivered-To: " + delivered_to.encode("ascii") + b"\r\n"
        expect(field == want, "second field is %r, expected %r" % (field, want))
        at = end
    # Posthorn: Received, one field.
    end = check_posthorn_received(got, at, HELO_NAME, MX_HOSTNAME, message.queue_id, message.rcpts)
    return got[end:]


def byte_exact(message, rest):
    sent = message.data
    if rest != sent:
        i = next((k for k in range(min(len(rest), len(sent))) if rest[k] != sent[k]), min(len(rest), len(sent)))
        raise AssertionError("differs at byte %d below the trace fields (got %d bytes, sent %d): got %r, sent %r"
                             % (i, len(rest), len(sent), rest[max(0, i - 30):i + 50], sent[max(0, i - 30):i + 50]))


# ----------------------------------------------------------------------------------------------------------------

def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 1
    smtp_port, imap_port = int(sys.argv[1]), int(sys.argv[2])
    delivery_timeout = float(sys.argv[3]) if len(sys.argv) == 4 else 30.0

    # Sending.
    for message in MESSAGES:
        check("smtp-send-%s" % message.name, send, smtp_port, message)
    check("smtp-rcpt-unknown-550-5.1.1", unknown_recipient, smtp_port)
    sent = [m for m in MESSAGES if m.queue_id is not None]
    log("queue ids: %r" % {m.name: m.queue_id for m in MESSAGES})

    # Delivery.
    deadline = time.monotonic() + delivery_timeout
    started = time.monotonic()
    if check("delivered-within-%gs" % delivery_timeout, wait_for_delivery, imap_port, deadline) is not None:
        log("delivered after %.1fs" % (time.monotonic() - started))

    # Reading back.
    for user in sorted(EXPECTED_COUNT):
        log("--- IMAP: %s" % user)
        try:
            messages = fetch_all(imap_port, user)
        except Exception as e:
            result("imap-fetch-%s" % user, False, "%s: %s" % (type(e).__name__, e))
            continue
        by_id = {}
        unknown = []
        for got in messages:
            log("%s: %d bytes: %r" % (user, len(got), got[:600]))
            ids = [mid for mid in BY_MESSAGE_ID if b"\r\nMessage-ID: " + mid + b"\r\n" in got]
            if len(ids) == 1 and ids[0] not in by_id:
                by_id[ids[0]] = got
            else:
                unknown.append(got)
        want = sorted(m.name for m in MESSAGES if user in m.users)
        have = sorted(BY_MESSAGE_ID[mid].name for mid in by_id)
        result("imap-inbox-%s" % user, want == have and not unknown,
               "INBOX holds %r and %d other message(s), expected exactly %r" % (have, len(unknown), want))
        for message in MESSAGES:
            if user not in message.users:
                continue
            got = by_id.get(message.message_id)
            if message not in sent:
                result("trace-%s-%s" % (message.name, user), False, "not sent")
                result("byte-exact-%s-%s" % (message.name, user), False, "not sent")
                continue
            if got is None:
                result("trace-%s-%s" % (message.name, user), False, "not in %s's INBOX" % user)
                result("byte-exact-%s-%s" % (message.name, user), False, "not in %s's INBOX" % user)
                continue
            rest = check("trace-%s-%s" % (message.name, user), trace, message, user, got)
            if rest is None:
                result("byte-exact-%s-%s" % (message.name, user), False, "trace fields not as expected")
            else:
                check("byte-exact-%s-%s" % (message.name, user), byte_exact, message, rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
