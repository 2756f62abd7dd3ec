#!/usr/bin/env python3
"""The client, the wire recorder and the checks of interop/postfix-relay (Python 3 standard library only).

    postfix-relay-client.py --smtp-port P --recorder-port R --sink-port S --dump DIR --spool DIR --maildir DIR
                            --log FILE --wire DIR [--delivery-timeout SECONDS]

Posthorn listens on 127.0.0.1:P and routes far.test to 127.0.0.1:R. On R this script runs a recorder: for each
connection Posthorn makes it opens one to Postfix's smtp-sink on 127.0.0.1:S and passes every byte on unchanged in
both directions, keeping a copy (written to --wire DIR at the end). smtp-sink (-d DIR/msg.) writes each mail
transaction it receives to DIR/msg.<id>.

Sends four messages to Posthorn with smtplib: (a) a plain one to x@far.test, (b) one to two recipients at far.test,
(c) one with lines starting with dots, a line of 1500 octets and 8-bit UTF-8, with BODY=8BITMIME, (d) one of about
300 KB (MAIL with SIZE=). Waits (at most --delivery-timeout seconds) until Posthorn's spool/queue/ is empty and
smtp-sink has written four files, then checks what arrived, two ways:

  * smtp-sink's dump (the message as Postfix's code parsed it). Its format (smtp-sink(1), "DUMP FILE FORMAT", and
    smtp-sink.c): lines end in LF; first its own records, exactly
        X-Client-Addr: 127.0.0.1
        X-Client-Proto: ESMTP
        X-Helo-Args: <EHLO argument>
        X-Mail-Args: <everything after "MAIL FROM:">
        X-Rcpt-Args: <everything after "RCPT TO:">          (one per RCPT, in order)
        Received: from <EHLO argument> ([127.0.0.1])
        <TAB>by sink.posthorn.test (smtp-sink) with ESMTP id <the file name's hex suffix>;
        <TAB><date>
    then the message data with the dot-stuffing removed and every CR dropped (smtp-sink writes each octet it reads
    except CR and the first dot of a line), then one more LF (from the ".<CR><LF>" that ends the data). Below
    Posthorn's Received field, the rest must equal the message sent with each CRLF written as LF, plus that LF.
    (The messages sent have no CR or LF outside CRLF pairs, so that is one-to-one.)
  * the recorder's copy of what Posthorn wrote on the wire: the data after DATA up to CRLF.CRLF, dot-stuffing
    removed, must be Posthorn's Received field followed by the message sent, byte for byte (CRs included).

Posthorn's Received field (the first field of the message, in front of what was sent) must say "with ESMTP id
<the queue id of the 250 reply>". The envelope smtp-sink saw (X-Mail-Args, X-Rcpt-Args) and the MAIL and RCPT
commands on the wire must be the ones sent to Posthorn (less SIZE, which smtp-sink does not offer), with
BODY=8BITMIME passed on for (c); MAIL, RCPT and DATA must be pipelined (RFC 2920: smtp-sink offers PIPELINING).
Then: Posthorn's mail log must say "delivered" once for each recipient and never "deferred" or "failed", its
spool must be empty (queue/, tmp/, corrupt/), and no bounce may have reached the local sender's Maildir.

Prints "PASS name" or "FAIL name: reason" per check; SMTP transcripts go to stderr. Exits 0 (the driver counts the
lines); 2 on a usage error.
"""

import argparse
import email.utils
import os
import random
import re
import smtplib
import socket
import sys
import threading
import time

from checks import check, check_posthorn_received, expect, log, result, send_for_queue_id, split_header_field

HOST = "127.0.0.1"
HELO_NAME = "client.posthorn.test"       # our EHLO to Posthorn
MX_HOSTNAME = "mx.posthorn.test"         # Posthorn's hostname: its EHLO to the sink and its Received "by"
SINK_HOSTNAME = "sink.posthorn.test"     # smtp-sink -h
TIMEOUT = 15                             # seconds per network operation
CRLF = b"\r\n"


def first_difference(got, want):
    """Why got != want, naming the first octet that differs and what is around it."""
    n = min(len(got), len(want))
    i = next((k for k in range(n) if got[k] != want[k]), n)
    return ("differs at octet %d (got %d octets, expected %d): got %r, expected %r"
            % (i, len(got), len(want), got[max(0, i - 40):i + 60], want[max(0, i - 40):i + 60]))


# ----------------------------------------------------------------------------------------------------------------
# The messages, as given to smtplib: CRLF line ends only, ending in CRLF. smtplib only dot-stuffs them.

SENDER = "sender@near.test"


class Message:
    def __init__(self, name, rcpts, data, mail_options=(), wire_mail_params=b""):
        self.name = name
        self.rcpts = rcpts                      # RCPT TO, in order
        self.data = data                        # the bytes sent
        self.mail_options = list(mail_options)  # MAIL parameters to Posthorn
        self.wire_mail_params = wire_mail_params  # the MAIL parameters Posthorn must pass on to smtp-sink
        self.queue_id = None                    # from Posthorn's "250 2.0.0 Ok: queued as ID"
        self.message_id = re.search(rb"\r\nMessage-ID: (<[^>\r\n]+>)\r\n", CRLF + data).group(1)
        # The test relies on this: every CR and LF is part of a CRLF (so smtp-sink's LF form is one-to-one).
        assert data.endswith(CRLF) and data.count(b"\r") == data.count(b"\n") == data.count(CRLF), name

    def expected_mail_args(self):
        """X-Mail-Args: what followed "MAIL FROM:" on the wire."""
        return b"<" + SENDER.encode("ascii") + b">" + self.wire_mail_params


def headers(name, subject, to, extra=b""):
    return (b"From: Relay Interop <" + SENDER.encode("ascii") + b">\r\n"
            b"To: " + to + b"\r\n"
            b"Subject: " + subject + b"\r\n"
            b"Message-ID: <" + name.encode("ascii") + b"@client.posthorn.test>\r\n"
            b"Date: Mon, 01 Jan 2024 12:00:00 +0000\r\n" + extra)


def big_body():
    """About 300 KB of text lines (a seeded generator: the same every run), every 97th starting with a dot."""
    rng = random.Random(20240101)
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ "
    lines = []
    for i in range(4000):
        line = bytes(rng.choice(alphabet) for _ in range(74))
        if i % 97 == 0:
            line = b"." + line[1:]
        lines.append(line + CRLF)
    return b"".join(lines)


def make_messages():
    big = (headers("big", b"about 300 KB", b"x@far.test") + CRLF + big_body() + b"the end\r\n")
    return [
        # (a) a plain message, one recipient.
        Message("plain", ["x@far.test"],
                headers("plain", b"plain relay", b"x@far.test") +
                CRLF +
                b"Hello,\r\n"
                b"\r\n"
                b"relayed by Posthorn to smtp-sink.\r\n"),
        # (b) two recipients at far.test: one transaction with two RCPTs, so Posthorn's Received has no "for".
        Message("two-rcpts", ["anna@far.test", "bert@far.test"],
                headers("two-rcpts", b"to two,\r\n\tfolded subject", b"anna@far.test, bert@far.test") +
                CRLF +
                b"Hello both,\r\n"
                b"\r\n"
                b"trailing white space \t\r\n"
                b"the end\r\n"),
        # (c) what a byte-exact path must keep: lines starting with dots (dot-stuffed on both hops), a line of
        # more than 1000 octets, 8-bit UTF-8 in header and body, with BODY=8BITMIME (passed on: smtp-sink offers
        # 8BITMIME).
        Message("8bit", ["x@far.test"],
                headers("8bit", b"dots, a long line and 8-bit text", b"x@far.test",
                        b"X-Comment: caf\xc3\xa9 \xe2\x80\x94 8-bit in a header\r\n"
                        b"MIME-Version: 1.0\r\n"
                        b"Content-Type: text/plain; charset=utf-8\r\n"
                        b"Content-Transfer-Encoding: 8bit\r\n") +
                CRLF +
                b".a line that starts with a dot\r\n"
                b"..two dots\r\n"
                b".\r\n"
                b"the line above is a single dot\r\n"
                b". a dot and a space\r\n"
                + b"L" * 1500 + b"\r\n"
                b"\xc3\xa9t\xc3\xa9, gr\xc3\xbc\xc3\x9fe, \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e, \xf0\x9f\x93\xaf\r\n"
                b".\r\n",
                mail_options=["BODY=8BITMIME"], wire_mail_params=b" BODY=8BITMIME"),
        # (d) about 300 KB, announced with SIZE= (which Posthorn leaves out toward smtp-sink: it offers no SIZE).
        Message("big", ["x@far.test"], big, mail_options=["SIZE=%d" % len(big)]),
    ]


# ----------------------------------------------------------------------------------------------------------------
# The recorder: a transparent TCP relay between Posthorn and smtp-sink that keeps a copy of both directions.

class Connection:
    def __init__(self, number):
        self.number = number
        self.events = []        # (sequence number, "c" (Posthorn to sink) or "s" (sink to Posthorn), bytes)
        self.error = None


class Recorder:
    def __init__(self, port, sink_port):
        self.sink_port = sink_port
        self.lock = threading.Lock()
        self.sequence = 0
        self.connections = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((HOST, port))
        self.listener.listen(16)
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                conn = Connection(len(self.connections) + 1)
                self.connections.append(conn)
            threading.Thread(target=self.serve, args=(conn, client), daemon=True).start()

    def record(self, conn, direction, data):
        # Recorded before it is passed on: an event's number is below that of anything it could have caused.
        with self.lock:
            self.sequence += 1
            conn.events.append((self.sequence, direction, data))

    def pump(self, conn, direction, source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self.record(conn, direction, data)
                target.sendall(data)
        except OSError as e:
            conn.error = conn.error or "%s: %s" % (direction, e)
        finally:
            try:
                target.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def serve(self, conn, client):
        try:
            sink = socket.create_connection((HOST, self.sink_port), timeout=TIMEOUT)
            sink.settimeout(None)
        except OSError as e:
            conn.error = "connecting to smtp-sink: %s" % e
            client.close()
            return
        back = threading.Thread(target=self.pump, args=(conn, "s", sink, client), daemon=True)
        back.start()
        self.pump(conn, "c", client, sink)
        back.join(TIMEOUT)
        client.close()
        sink.close()

    def snapshot(self):
        with self.lock:
            return [(c.number, list(c.events), c.error) for c in self.connections]

    def close(self):
        self.listener.close()


class Stream:
    """One direction of one connection: the bytes, and which recorded event each octet came in."""

    def __init__(self, events, direction):
        self.data = b""
        self.ends = []          # (offset after the chunk, sequence number)
        for seq, d, chunk in events:
            if d == direction:
                self.data += chunk
                self.ends.append((len(self.data), seq))

    def sequence_at(self, offset):
        for end, seq in self.ends:
            if offset < end:
                return seq
        raise IndexError(offset)


class WireTransaction:
    def __init__(self):
        self.ehlo = None
        self.mail = None            # the MAIL command line, CRLF removed
        self.rcpts = []             # the RCPT command lines
        self.data = None            # the message data, dot-stuffing removed
        self.pipelined = None       # the DATA command reached the recorder before the reply to MAIL was passed on
        self.connection = None


def parse_replies(data):
    """SMTP replies in a server's byte stream: a list of (code, offset after the reply's last line)."""
    replies = []
    at = 0
    while True:
        end = data.find(CRLF, at)
        if end < 0:
            return replies
        line = data[at:end]
        at = end + 2
        if len(line) >= 4 and line[3:4] == b" ":
            replies.append((int(line[:3]), at))
        elif len(line) == 3:
            replies.append((int(line), at))


def unstuff(data):
    """Removes the dot-stuffing (RFC 5321 4.5.2) from message data that ends in CRLF (or is empty)."""
    lines = data.split(CRLF)
    return CRLF.join(line[1:] if line.startswith(b".") else line for line in lines)


def parse_wire(events):
    """Posthorn's commands on one connection, as transactions, with the pipelining of each. Returns (list, notes)."""
    client = Stream(events, "c")
    server = Stream(events, "s")
    replies = parse_replies(server.data)
    transactions = []
    current = None
    ehlo = None
    command_index = 0       # the reply to command i is replies[i + 1] (replies[0] is the greeting)
    mail_index = None
    notes = []
    at = 0
    data = client.data
    while at < len(data):
        end = data.find(CRLF, at)
        if end < 0:
            notes.append("unterminated command at the end: %r" % data[at:at + 80])
            break
        line = data[at:end]
        verb = line.split(b" ", 1)[0].split(b":", 1)[0].upper()
        at = end + 2
        if verb == b"EHLO" or verb == b"HELO":
            ehlo = line
        elif verb == b"MAIL":
            current = WireTransaction()
            current.ehlo = ehlo
            current.mail = line
            mail_index = command_index
        elif verb == b"RCPT" and current is not None:
            current.rcpts.append(line)
        elif verb == b"DATA" and current is not None:
            done = (CRLF + data[at:]).find(b"\r\n.\r\n")
            if done < 0:
                notes.append("message data without its end (CRLF.CRLF)")
                break
            current.data = unstuff(data[at:at + done])   # the data, its last CRLF included
            if mail_index + 1 < len(replies):
                mail_reply_seq = server.sequence_at(replies[mail_index + 1][1] - 1)
                current.pipelined = client.sequence_at(end + 1) < mail_reply_seq
            transactions.append(current)
            current = None
            at = at + done + 3      # past ".\r\n"
            command_index += 1      # the end of the data has its own reply
        elif verb in (b"BDAT", b"STARTTLS"):
            notes.append("unexpected %s (smtp-sink offers neither CHUNKING nor STARTTLS)" % verb.decode())
            break
        command_index += 1
    return transactions, notes


# ----------------------------------------------------------------------------------------------------------------
# SMTP to Posthorn

def probe_sink(port):
    """smtp-sink itself: an ESMTP server that offers PIPELINING and 8BITMIME (and no SIZE, STARTTLS, CHUNKING)."""
    smtp = smtplib.SMTP(HOST, port, local_hostname=HELO_NAME, timeout=TIMEOUT)
    try:
        code, msg = smtp.ehlo()
        expect(code == 250, "EHLO: %d %r" % (code, msg))
        for ext in ("pipelining", "8bitmime"):
            expect(smtp.has_extn(ext), "%s not offered: %r" % (ext.upper(), smtp.esmtp_features))
        for ext in ("size", "starttls", "chunking"):
            expect(not smtp.has_extn(ext), "%s offered: %r" % (ext.upper(), smtp.esmtp_features))
        smtp.quit()
    finally:
        smtp.close()


def send(port, message):
    """One SMTP transaction to Posthorn; records the queue id from the final 250 reply."""
    log("--- SMTP: %s" % message.name)
    smtp = smtplib.SMTP(HOST, port, local_hostname=HELO_NAME, timeout=TIMEOUT)
    try:
        if message.name != "big":
            smtp.set_debuglevel(1)  # the transcript, on stderr (not for 300 KB)
        code, msg = smtp.ehlo()
        expect(code == 250, "EHLO: %d %r" % (code, msg))
        if message.mail_options:
            expect(smtp.has_extn("8bitmime") and smtp.has_extn("size"), "8BITMIME or SIZE not offered: %r"
                   % smtp.esmtp_features)
        message.queue_id = send_for_queue_id(smtp, SENDER, message.mail_options, message.rcpts, message.data)
        smtp.quit()
    finally:
        smtp.close()


# ----------------------------------------------------------------------------------------------------------------
# Waiting

def files_in(path):
    try:
        return sorted(n for n in os.listdir(path) if os.path.isfile(os.path.join(path, n)))
    except FileNotFoundError:
        return []


def dump_files(dump_dir):
    return [n for n in files_in(dump_dir) if n.startswith("msg.")]


def wait_for_delivery(spool, dump_dir, count, deadline):
    """Until spool/queue/ holds no message (spare files aside) and smtp-sink has written count files, or the
    deadline."""
    while True:
        queued = [n for n in files_in(os.path.join(spool, "queue")) if not n.startswith("spare.")]
        dumps = dump_files(dump_dir)
        if not queued and len(dumps) >= count:
            return
        if time.monotonic() >= deadline:
            raise AssertionError("at the deadline: spool/queue/ holds %r, smtp-sink wrote %d of %d files"
                                 % (queued, len(dumps), count))
        time.sleep(0.1)


# ----------------------------------------------------------------------------------------------------------------
# The checks

SINK_RECORDS = re.compile(
    rb"X-Client-Addr: (?P<addr>[^\n]*)\n"
    rb"X-Client-Proto: (?P<proto>[^\n]*)\n"
    rb"X-Helo-Args: (?P<helo>[^\n]*)\n"
    rb"X-Mail-Args: (?P<mail>[^\n]*)\n"
    rb"(?P<rcpts>(?:X-Rcpt-Args: [^\n]*\n)+)"
    rb"Received: from (?P<rhelo>[^ \n]+) \(\[(?P<raddr>[^\]\n]+)\]\)\n"
    rb"\tby (?P<by>[^ \n]+) \(smtp-sink\) with (?P<rproto>[A-Z]+) id (?P<id>[0-9a-f]{8});\n"
    rb"\t(?P<date>[^\n]+)\n")


def check_received(message, got):
    """Posthorn's Received field in front of got (CRLF form); returns the rest, which must be what was sent."""
    end = check_posthorn_received(got, 0, HELO_NAME, MX_HOSTNAME, message.queue_id, message.rcpts)
    return got[end:]


class Dump:
    def __init__(self, name, data):
        self.name = name
        self.data = data
        self.records = None
        self.body = None        # what follows smtp-sink's records, LF form

    def parse(self):
        """smtp-sink's own records, exactly as smtp-sink.c writes them."""
        found = SINK_RECORDS.match(self.data)
        expect(found, "%s does not start with smtp-sink's records: %r" % (self.name, self.data[:400]))
        self.records = found
        self.body = self.data[found.end():]
        expect(found.group("addr") == b"127.0.0.1", "X-Client-Addr: %r" % found.group("addr"))
        expect(found.group("proto") == b"ESMTP" and found.group("rproto") == b"ESMTP",
               "X-Client-Proto: %r, Received with %r, expected ESMTP" % (found.group("proto"), found.group("rproto")))
        expect(found.group("helo") == MX_HOSTNAME.encode(), "X-Helo-Args: %r, expected Posthorn's EHLO %s"
               % (found.group("helo"), MX_HOSTNAME))
        expect(found.group("rhelo") == found.group("helo") and found.group("raddr") == b"127.0.0.1",
               "smtp-sink's Received: from %r ([%r])" % (found.group("rhelo"), found.group("raddr")))
        expect(found.group("by") == SINK_HOSTNAME.encode(), "smtp-sink's Received: by %r" % found.group("by"))
        expect(self.name == "msg." + found.group("id").decode(), "smtp-sink's Received: id %r in %s"
               % (found.group("id"), self.name))
        email.utils.parsedate_to_datetime(found.group("date").decode("ascii"))   # a date, or ValueError
        return True

    def rcpt_args(self):
        return [line[len(b"X-Rcpt-Args: "):] for line in self.records.group("rcpts").splitlines()]


def check_sink_envelope(message, dump):
    mail = dump.records.group("mail")
    expect(mail == message.expected_mail_args(), "X-Mail-Args: %r, expected %r" % (mail, message.expected_mail_args()))
    want = [b"<" + r.encode("ascii") + b">" for r in message.rcpts]
    expect(dump.rcpt_args() == want, "X-Rcpt-Args: %r, expected %r (in this order)" % (dump.rcpt_args(), want))


def check_sink_content(message, dump):
    """Below smtp-sink's records and Posthorn's Received: the message sent (LF form) and the LF of ".CRLF"."""
    body = dump.body
    expect(b"\r" not in body, "a CR in smtp-sink's dump (it drops every CR)")
    expect(body.endswith(b"\n\n"), "the dump does not end in the message's LF and that of the final '.': %r"
           % body[-40:])
    rest = check_received(message, body[:-1].replace(b"\n", CRLF))
    expect(rest == message.data, first_difference(rest, message.data))


def check_wire_envelope(message, transaction):
    expect(transaction.ehlo == b"EHLO " + MX_HOSTNAME.encode(), "Posthorn's EHLO: %r" % transaction.ehlo)
    want = b"MAIL FROM:" + message.expected_mail_args()
    expect(transaction.mail == want, "%r, expected %r" % (transaction.mail, want))
    want = [b"RCPT TO:<" + r.encode("ascii") + b">" for r in message.rcpts]
    expect(transaction.rcpts == want, "%r, expected %r" % (transaction.rcpts, want))


def check_wire_content(message, transaction):
    rest = check_received(message, transaction.data)
    expect(rest == message.data, first_difference(rest, message.data))


def check_pipelined(transaction):
    expect(transaction.pipelined is not None, "no reply to MAIL seen on the wire")
    expect(transaction.pipelined, "Posthorn waited for the reply to MAIL before it sent RCPT and DATA, although "
                                  "smtp-sink offers PIPELINING")


def check_mail_log(log_file, messages):
    """Each recipient delivered exactly once, by the queue id of its 250, and nothing deferred or failed."""
    with open(log_file, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    bad = re.findall(r"^.*: (?:deferred|failed) to=<.*$", text, re.M)
    expect(not bad, "the mail log says: %r" % bad[:3])
    for message in messages:
        for rcpt in message.rcpts:
            lines = re.findall(r"^.*mail: %s: delivered to=<%s> .*$" % (re.escape(message.queue_id), re.escape(rcpt)),
                               text, re.M)
            expect(len(lines) == 1, "%d 'delivered' lines for %s to <%s>, expected 1" % (len(lines),
                                                                                         message.queue_id, rcpt))
            expect("127.0.0.1[127.0.0.1]" in lines[0], "not delivered to 127.0.0.1: %r" % lines[0])


def check_spool_empty(spool):
    # spare.* files in queue/ are delivered messages' files kept for reuse, not messages
    left = {d: [n for n in os.listdir(os.path.join(spool, d)) if not n.startswith("spare.")]
            for d in ("queue", "tmp", "corrupt") if os.path.isdir(os.path.join(spool, d))}
    expect(set(left) == {"queue", "tmp", "corrupt"}, "spool folders missing: %r" % sorted(left))
    expect(not any(left.values()), "spool not empty: %r" % left)


def check_no_bounce(maildir):
    found = []
    for top, _, names in os.walk(maildir):
        found += [os.path.join(top, n) for n in names]
    expect(not found, "the local Maildir holds %r (a bounce to %s?)" % (found, SENDER))


# ----------------------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description="the client side of interop/postfix-relay")
    for option in ("--smtp-port", "--recorder-port", "--sink-port"):
        parser.add_argument(option, type=int, required=True)
    for option in ("--dump", "--spool", "--maildir", "--log", "--wire"):
        parser.add_argument(option, required=True)
    parser.add_argument("--delivery-timeout", type=float, default=30.0)
    args = parser.parse_args()

    messages = make_messages()
    recorder = Recorder(args.recorder_port, args.sink_port)
    try:
        check("sink-offers-esmtp-pipelining-8bitmime", probe_sink, args.sink_port)

        for message in messages:
            check("send-%s (%d octets)" % (message.name, len(message.data)), send, args.smtp_port, message)
        sent = [m for m in messages if m.queue_id is not None]
        log("queue ids: %r" % {m.name: m.queue_id for m in messages})

        started = time.monotonic()
        if check("delivered-within-%gs" % args.delivery_timeout, wait_for_delivery, args.spool, args.dump,
                 len(messages), started + args.delivery_timeout) is not None:
            log("delivered after %.1fs" % (time.monotonic() - started))
    finally:
        time.sleep(0.2)     # lets the recorder take in what is still on its way (the QUIT)
        connections = recorder.snapshot()
        recorder.close()

    # What smtp-sink wrote: exactly one file per message.
    dumps = {}
    strays = []
    for name in dump_files(args.dump):
        with open(os.path.join(args.dump, name), "rb") as f:
            dump = Dump(name, f.read())
        ids = [m.message_id for m in messages if b"\nMessage-ID: " + m.message_id + b"\n" in dump.data]
        if len(ids) == 1 and ids[0] not in dumps:
            dumps[ids[0]] = dump
        else:
            strays.append(name)
    result("sink-one-file-per-message", not strays and len(dumps) == len(messages),
           "smtp-sink wrote %d files: %d matched one message each, others: %r"
           % (len(dumps) + len(strays), len(dumps), strays))

    # What Posthorn wrote on the wire.
    os.makedirs(args.wire, exist_ok=True)
    wire = {}
    wire_notes = []
    for number, events, error in connections:
        for direction, suffix in (("c", "posthorn-to-sink"), ("s", "sink-to-posthorn")):
            with open(os.path.join(args.wire, "connection-%d.%s" % (number, suffix)), "wb") as f:
                f.write(Stream(events, direction).data)
        if error:
            wire_notes.append("connection %d: %s" % (number, error))
        transactions, notes = parse_wire(events)
        wire_notes += ["connection %d: %s" % (number, n) for n in notes]
        for t in transactions:
            t.connection = number
            ids = [m.message_id for m in messages if CRLF + b"Message-ID: " + m.message_id + CRLF in t.data]
            if len(ids) == 1 and ids[0] not in wire:
                wire[ids[0]] = t
            else:
                wire_notes.append("connection %d: a transaction for %r" % (number, t.rcpts))
    log("recorder: %d connection(s), transactions per connection %r" % (
        len(connections), [sum(1 for t in wire.values() if t.connection == n) for n, _, _ in connections]))
    result("wire-one-transaction-per-message", not wire_notes and len(wire) == len(messages),
           "%d transactions matched one message each; %r" % (len(wire), wire_notes))

    for message in messages:
        name = message.name
        checks = ["sink-parsed", "sink-envelope", "sink-byte-exact", "wire-envelope", "wire-byte-exact",
                  "wire-pipelined"]
        if message not in sent:
            for c in checks:
                result("%s-%s" % (c, name), False, "not sent")
            continue
        dump = dumps.get(message.message_id)
        if dump is None:
            for c in checks[:3]:
                result("%s-%s" % (c, name), False, "smtp-sink has no file with this message")
        elif check("sink-parsed-%s" % name, dump.parse) is None:
            for c in checks[1:3]:
                result("%s-%s" % (c, name), False, "smtp-sink's records not as expected")
        else:
            check("sink-envelope-%s" % name, check_sink_envelope, message, dump)
            check("sink-byte-exact-%s" % name, check_sink_content, message, dump)
        transaction = wire.get(message.message_id)
        if transaction is None:
            for c in checks[3:]:
                result("%s-%s" % (c, name), False, "no transaction with this message on the wire")
        else:
            check("wire-envelope-%s" % name, check_wire_envelope, message, transaction)
            check("wire-byte-exact-%s" % name, check_wire_content, message, transaction)
            check("wire-pipelined-%s" % name, check_pipelined, transaction)

    check("posthorn-mail-log-delivered-once-each", check_mail_log, args.log, sent)
    check("posthorn-spool-empty", check_spool_empty, args.spool)
    check("no-bounce-to-sender", check_no_bounce, args.maildir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
