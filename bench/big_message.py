#!/usr/bin/env python3
"""The two ends of bench/big-message: a sender that streams one large message over SMTP and a receiver that
hashes what arrives. Neither ever holds the message in memory (both work in chunks of 1 MiB; the sender keeps a
pool of 64 of them).

  big_message.py send --host H --port P --size BYTES --from A --to B --result FILE
      Generates a message of about BYTES octets (a few header lines, a blank line, then base64 of os.urandom in
      lines of 76 characters with CRLF: 64 chunks of 1 MiB made up front, sent in random order) while sending it
      as DATA (RFC 5321 4.1.1.4). Base64 lines never begin with ".", so the wire form needs no dot-stuffing and
      equals the message. Writes a JSON object to FILE:
      the octets sent, the SHA-256 of the body (everything after the first blank line, with its final CRLF), the
      replies and the seconds from the DATA command to the reply after the final ".".
  big_message.py receive --host H --port P --results FILE --headers DIR
      A minimal SMTP receiver (EHLO with SIZE and 8BITMIME, MAIL, RCPT, DATA, RSET, NOOP, QUIT): for each message
      appends a JSON line to FILE with the octets of DATA, the SHA-256 of the body (after the first blank line,
      up to and including the CRLF before the final "."), the number of lines beginning with "." (0 expected)
      and the seconds the DATA took; the header part (at most 64 KiB) goes to DIR/msg-N.hdr. One thread per
      connection; runs until killed.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import socket
import socketserver
import sys
import threading
import time

CHUNK = 1 << 20
HEADER_KEEP = 64 * 1024
POOL = 64
TERMINATOR = b"\r\n.\r\n"


# --- receiver ----------------------------------------------------------------------------------------------------

class BodyHasher:
    """Takes the DATA stream chunk by chunk; hashes the body, keeps the start of the header, finds the end."""

    def __init__(self):
        self.sha = hashlib.sha256()
        self.header = bytearray()
        self.in_header = True
        self.octets = 0
        self.dot_lines = 0
        # The stream is read as if a CRLF came before it, so that a "." alone on the first line also ends it; the
        # CRLF itself is dropped again in _consume.
        self.tail = b"\r\n"
        self.skip = 2

    def feed(self, data):
        """Returns the bytes after the terminator (the next command), or None while DATA goes on."""
        buf = self.tail + data
        end = buf.find(TERMINATOR)
        if end >= 0:
            self._consume(buf[:end + 2])  # the CRLF before "." ends the last line of the message
            return buf[end + len(TERMINATOR):]
        keep = len(TERMINATOR) - 1
        self._consume(buf[:-keep])
        self.tail = buf[-keep:]
        return None

    def _consume(self, part):
        if self.skip:
            dropped = min(self.skip, len(part))
            part = part[dropped:]
            self.skip -= dropped
        if not part:
            return
        self.octets += len(part)
        self.dot_lines += part.count(b"\r\n.")
        if self.in_header:
            self.header += part
            split = self.header.find(b"\r\n\r\n")
            if split < 0:
                if len(self.header) > HEADER_KEEP * 16:
                    self.in_header = False  # no blank line in 1 MiB: hash from here on
                return
            body = bytes(self.header[split + 4:])
            del self.header[split + 4:]
            self.in_header = False
            part = body
        self.sha.update(part)


class SmtpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(600)
        sock.sendall(b"220 big-message-receiver ESMTP\r\n")
        pending = b""
        while True:
            while b"\r\n" not in pending:
                data = sock.recv(65536)
                if not data:
                    return
                pending += data
                if len(pending) > 4096:
                    sock.sendall(b"500 line too long\r\n")
                    return
            line, pending = pending.split(b"\r\n", 1)
            verb = line[:4].upper()
            if verb == b"EHLO":
                sock.sendall(b"250-big-message-receiver\r\n250-SIZE 0\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
                             b"250 SMTPUTF8\r\n")
            elif verb == b"HELO":
                sock.sendall(b"250 big-message-receiver\r\n")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                sock.sendall(b"250 OK\r\n")
            elif verb == b"QUIT":
                sock.sendall(b"221 bye\r\n")
                return
            elif verb == b"DATA":
                sock.sendall(b"354 go ahead\r\n")
                pending = self.receive_data(sock, pending)
                if pending is None:
                    return
                sock.sendall(b"250 OK hashed\r\n")
            else:
                sock.sendall(b"502 not here\r\n")

    def receive_data(self, sock, pending):
        hasher = BodyHasher()
        started = time.monotonic()
        rest = hasher.feed(pending) if pending else None
        while rest is None:
            data = sock.recv(CHUNK)
            if not data:
                return None
            rest = hasher.feed(data)
        self.server.record(hasher, time.monotonic() - started)
        return rest


class Receiver(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address, results, headers):
        super().__init__(address, SmtpHandler)
        self.results = results
        self.headers = headers
        self.lock = threading.Lock()
        self.count = 0

    def record(self, hasher, seconds):
        with self.lock:
            self.count += 1
            with open(os.path.join(self.headers, "msg-%d.hdr" % self.count), "wb") as f:
                f.write(bytes(hasher.header[:HEADER_KEEP]))
            entry = {"octets": hasher.octets, "header_octets": len(hasher.header),
                     "body_sha256": hasher.sha.hexdigest(), "dot_lines": hasher.dot_lines,
                     "seconds": round(seconds, 3), "at": time.time()}
            with open(self.results, "a") as f:
                f.write(json.dumps(entry) + "\n")


def receive(args):
    os.makedirs(args.headers, exist_ok=True)
    with Receiver((args.host, args.port), args.results, args.headers) as server:
        print("receiving on %s:%d" % (args.host, args.port), flush=True)
        server.serve_forever()


# --- sender ------------------------------------------------------------------------------------------------------

def read_reply(f):
    lines = []
    while True:
        line = f.readline(4096)
        if not line:
            raise ConnectionError("connection closed while waiting for a reply")
        lines.append(line.decode("ascii", "replace").rstrip("\r\n"))
        if len(line) < 4 or line[3:4] != b"-":
            return int(lines[-1][:3]), " | ".join(lines)


def command(sock, f, text, expect):
    sock.sendall(text.encode("ascii") + b"\r\n")
    code, reply = read_reply(f)
    if code != expect:
        raise RuntimeError("%s -> %s" % (text, reply))
    return reply


def send(args):
    header = ("From: <%s>\r\nTo: <%s>\r\nSubject: big-message %d octets\r\nMessage-ID: <big-%d@bench.test>\r\n"
              "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
              "Content-Transfer-Encoding: base64\r\n\r\n" % (args.mail_from, args.rcpt_to, args.size,
                                                           int(time.time()))).encode("ascii")
    # 57 random octets make one base64 line of 76 characters plus CRLF: 78 octets.
    line_in, line_out = 57, 78
    lines_left = max(1, (args.size - len(header)) // line_out)
    # Encoding fresh random octets for each chunk held the sender to about 200 MB/s, slower than the server it
    # measures: the body is made of POOL chunks of random base64, made before the clock starts, in random order.
    pool = [base64.encodebytes(os.urandom((CHUNK // line_out) * line_in)).replace(b"\n", b"\r\n")
            for _ in range(POOL)]
    result = {"octets": 0}
    with socket.create_connection((args.host, args.port), timeout=args.timeout) as sock:
        f = sock.makefile("rb")
        result["greeting"] = read_reply(f)[1]
        result["ehlo"] = command(sock, f, "EHLO big-message.bench.test", 250)
        command(sock, f, "MAIL FROM:<%s> SIZE=%d" % (args.mail_from, len(header) + lines_left * line_out), 250)
        command(sock, f, "RCPT TO:<%s>" % args.rcpt_to, 250)
        started = time.monotonic()
        command(sock, f, "DATA", 354)
        sha = hashlib.sha256()
        sock.sendall(header)
        sent = len(header)
        per_chunk = CHUNK // line_out
        while lines_left > 0:
            n = min(per_chunk, lines_left)
            body = pool[random.randrange(len(pool))][:n * line_out]
            sha.update(body)
            sock.sendall(body)
            sent += len(body)
            lines_left -= n
        data_sent = time.monotonic()
        sock.sendall(b".\r\n")
        code, reply = read_reply(f)
        done = time.monotonic()
        result.update({"octets": sent, "body_sha256": sha.hexdigest(), "data_reply": reply,
                       "accepted": code == 250, "seconds_to_accept": round(done - started, 3),
                       "seconds_sending": round(data_sent - started, 3),
                       "seconds_after_dot": round(done - data_sent, 3)})
        try:
            command(sock, f, "QUIT", 221)
        except (OSError, RuntimeError, ConnectionError):
            pass
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("send")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--from", dest="mail_from", default="sender@big-client.test")
    s.add_argument("--to", dest="rcpt_to", default="user@big.test")
    s.add_argument("--timeout", type=float, default=900)
    s.add_argument("--result", required=True)
    r = sub.add_parser("receive")
    r.add_argument("--host", default="127.0.0.1")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--results", required=True)
    r.add_argument("--headers", required=True)
    args = parser.parse_args()
    if args.mode == "receive":
        receive(args)
        return 0
    try:
        result = send(args)
    except (OSError, RuntimeError, ConnectionError) as e:
        result = {"accepted": False, "error": "%s: %s" % (type(e).__name__, e)}
    with open(args.result, "w") as f:
        json.dump(result, f)
        f.write("\n")
    print(json.dumps(result), flush=True)
    return 0 if result.get("accepted") else 1


if __name__ == "__main__":
    sys.exit(main())
