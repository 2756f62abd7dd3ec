#!/usr/bin/env python3
"""Client side of bench/flood: a slow-connection flood, and a real client trying to get through it.

Standard library only. The flood runs on one thread with non-blocking sockets on an epoll selector; the probes
(the real client, a DATA trickler, a NOOP flooder) run on their own threads with blocking sockets and timeouts.

  flood    --slow N connections from 127.0.1.1 .. 127.0.1.SOURCES (in turn), at most --inflight opening at once.
           Each waits for its 220 greeting (a slow client is no early talker) and then sends one byte of a command
           line every --interval seconds, never a line end. When the server ends one (a reply or EOF), it is
           counted as cut and, unless --no-reconnect, opened again --reconnect-delay seconds later, so the flood
           keeps as many connections as the server lets it.
  probes   after --warmup seconds, --probes times (--probe-gap seconds apart): a client from --probe-source sends
           one message (EHLO, MAIL, RCPT --rcpt, DATA, a short body) and the seconds from connect() to the 250 after
           the data are recorded (connect() returns once the kernel completes the handshake; the greeting comes when
           the server accepts).
  trickle  at the same time, a client from 127.0.3.1 opens DATA and sends one byte a second: the seconds from
           the 354 to the server's reply (or close), and that reply, are recorded.
  noops    and a client from 127.0.4.1 says EHLO and pipelines --noops NOOP commands in one write: the 250s it
           gets, the reply that ends it and the seconds that took.

Progress and results go to stdout as "key value" lines; "phase X" marks each step. The caller measures the server
while "phase probing" is on, and creates the file --go when it is done.
Exit status: 0 when the run completed (whatever the figures), 2 on a usage error.
"""

import argparse
import errno
import os
import selectors
import socket
import statistics
import sys
import threading
import time

IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)

CONNECTING, GREETING, SLOW, WAITING = "connecting", "greeting", "slow", "waiting"


def out(key, value=""):
    print(f"{key} {value}".rstrip(), flush=True)


class Slow:
    __slots__ = ("source", "sock", "state", "buf", "next_at")

    def __init__(self, source):
        self.source = source
        self.sock = None
        self.state = WAITING
        self.buf = b""
        self.next_at = 0.0


class Flood:
    def __init__(self, args):
        self.a = args
        self.sel = selectors.DefaultSelector()
        self.conns = [Slow(f"127.0.1.{1 + i % args.sources}") for i in range(args.slow)]
        self.opening = 0
        self.cut = 0
        self.greeted_total = 0
        self.connect_failures = 0
        self.replies = {}
        self.lock = threading.Lock()

    def count(self, state):
        return sum(1 for c in self.conns if c.state == state)

    def close(self, c, now, reply=None):
        if c.state in (CONNECTING, GREETING):
            self.opening -= 1
        if reply is not None:
            self.replies[reply] = self.replies.get(reply, 0) + 1
        try:
            self.sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        try:
            c.sock.close()
        except OSError:
            pass
        c.sock = None
        c.buf = b""
        c.state = WAITING
        c.next_at = now + self.a.reconnect_delay if self.a.reconnect else float("inf")

    def open(self, c, now):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.sock = sock
        c.state = CONNECTING
        self.opening += 1
        try:
            sock.setblocking(False)
            try:
                sock.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            except OSError:
                pass
            sock.bind((c.source, 0))
            rc = sock.connect_ex((self.a.host, self.a.port))
        except OSError:
            rc = -1
        if rc not in (0, errno.EINPROGRESS):
            self.connect_failures += 1
            self.close(c, now)
            return
        self.sel.register(sock, selectors.EVENT_WRITE, c)

    def on_event(self, c, now):
        if c.state == CONNECTING:
            if c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                self.connect_failures += 1
                self.close(c, now)
                return
            c.state = GREETING
            self.sel.modify(c.sock, selectors.EVENT_READ, c)
            return
        try:
            data = c.sock.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            if c.state == SLOW:
                self.cut += 1
            self.close(c, now, "eof" if not c.buf else c.buf[:3].decode("ascii", "replace"))
            return
        c.buf += data
        if c.state == GREETING:
            if b"\r\n" not in c.buf:
                return
            if c.buf.startswith(b"220 "):
                self.opening -= 1
                self.greeted_total += 1
                c.state = SLOW
                c.buf = b""
                c.next_at = now + self.a.interval
                c.sock.send(b"E")
            else:
                self.close(c, now, c.buf[:3].decode("ascii", "replace"))
            return
        if b"\r\n" in c.buf:  # the server ended the slow session (421 4.4.2 on a timeout)
            self.cut += 1
            self.close(c, now, c.buf[:3].decode("ascii", "replace"))

    def tick(self, now):
        for c in self.conns:
            if c.state == WAITING and now >= c.next_at and self.opening < self.a.inflight:
                self.open(c, now)
            elif c.state == SLOW and now >= c.next_at:
                c.next_at = now + self.a.interval
                try:
                    c.sock.send(b"H")
                except OSError:
                    self.cut += 1
                    self.close(c, now, "reset")

    def run(self, stop):
        last = 0.0
        while not stop.is_set():
            now = time.monotonic()
            for key, _ in self.sel.select(timeout=0.05):
                self.on_event(key.data, now)
            if now - last >= 0.05:
                self.tick(now)
                last = now
        for c in self.conns:
            if c.sock is not None:
                c.sock.close()


def bound(source, host, port, timeout):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(timeout)
    sock.connect((host, port))
    return sock


class Replies:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("ascii", "replace")

    def reply(self):
        line = self.line()
        while len(line) > 3 and line[3] == "-":
            line = self.line()
        return line


def probe(a):
    """One message from the probe source: seconds from connect() to the 250 after the data, and the last reply."""
    start = time.monotonic()
    try:
        with bound(a.probe_source, a.host, a.port, a.probe_timeout) as sock:
            r = Replies(sock)
            steps = [(None, "220"), (b"EHLO probe.test\r\n", "250"), (b"MAIL FROM:<probe@probe.test>\r\n", "250"),
                     (f"RCPT TO:<{a.rcpt}>\r\n".encode(), "250"), (b"DATA\r\n", "354"),
                     (b"Subject: through the flood\r\n\r\nhello\r\n.\r\n", "250")]
            greeted = None
            for command, want in steps:
                if command:
                    sock.sendall(command)
                line = r.reply()
                if command is None:
                    greeted = time.monotonic() - start
                if not line.startswith(want):
                    return None, greeted, line
            took = time.monotonic() - start
            sock.sendall(b"QUIT\r\n")
            return took, greeted, line
    except (OSError, EOFError) as e:
        return None, None, type(e).__name__


def trickle(a, result):
    try:
        with bound("127.0.3.1", a.host, a.port, 600) as sock:
            r = Replies(sock)
            for command, want in [(None, "220"), (b"EHLO trickle.test\r\n", "250"),
                                  (b"MAIL FROM:<t@trickle.test>\r\n", "250"), (f"RCPT TO:<{a.rcpt}>\r\n".encode(), "250"),
                                  (b"DATA\r\n", "354")]:
                if command:
                    sock.sendall(command)
                line = r.reply()
                if not line.startswith(want):
                    result["trickle_reply"] = line.replace(" ", "_")
                    return
            start = time.monotonic()
            sock.settimeout(1.0)
            sent = 0
            while time.monotonic() - start < a.trickle_max:
                try:
                    sock.sendall(b"x")
                    sent += 1
                    line = r.reply()
                    result["trickle_reply"] = line[:9].replace(" ", "_")
                    break
                except socket.timeout:
                    continue
                except (OSError, EOFError) as e:
                    result["trickle_reply"] = type(e).__name__
                    break
            result["trickle_seconds"] = f"{time.monotonic() - start:.1f}"
            result["trickle_bytes"] = sent
    except (OSError, EOFError) as e:
        result["trickle_reply"] = type(e).__name__


def noops(a, result):
    try:
        with bound("127.0.4.1", a.host, a.port, 120) as sock:
            r = Replies(sock)
            if not r.reply().startswith("220"):
                result["noop_end"] = "no_greeting"
                return
            sock.sendall(b"EHLO noops.test\r\n")
            r.reply()
            start = time.monotonic()
            writer = threading.Thread(target=lambda: _send_quietly(sock, b"NOOP\r\n" * a.noops), daemon=True)
            writer.start()
            ok, end = 0, "eof"
            try:
                while True:
                    line = r.reply()
                    if line.startswith("250"):
                        ok += 1
                        continue
                    end = line[:9].replace(" ", "_")
                    break
            except (OSError, EOFError) as e:
                end = type(e).__name__ if ok < a.noops else "eof"
            result["noop_ok"] = ok
            result["noop_end"] = end
            result["noop_seconds"] = f"{time.monotonic() - start:.2f}"
    except (OSError, EOFError) as e:
        result["noop_end"] = type(e).__name__


def _send_quietly(sock, data):
    try:
        sock.sendall(data)
    except OSError:
        pass


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--slow", type=int, default=2000)
    p.add_argument("--sources", type=int, default=40)
    p.add_argument("--interval", type=float, default=10.0)
    p.add_argument("--inflight", type=int, default=2000)
    p.add_argument("--reconnect-delay", type=float, default=1.0)
    p.add_argument("--no-reconnect", dest="reconnect", action="store_false")
    p.add_argument("--warmup", type=float, default=20.0)
    p.add_argument("--probes", type=int, default=5)
    p.add_argument("--probe-gap", type=float, default=5.0)
    p.add_argument("--probe-timeout", type=float, default=120.0)
    p.add_argument("--probe-source", default="127.0.2.1")
    p.add_argument("--rcpt", default="user@bench.test")
    p.add_argument("--trickle-max", type=float, default=400.0)
    p.add_argument("--noops", type=int, default=10000)
    p.add_argument("--go", required=True, help="end the flood when this file exists")
    p.add_argument("--hold-max", type=float, default=600.0)
    a = p.parse_args()
    if not 1 <= a.sources <= 254 or a.slow < 1:
        print("flood_client: bad --sources or --slow", file=sys.stderr)
        return 2

    flood = Flood(a)
    stop = threading.Event()
    runner = threading.Thread(target=flood.run, args=(stop,), daemon=True)
    begin = time.monotonic()
    out("phase flood")
    runner.start()

    def status():
        out("status", f"t={time.monotonic() - begin:.0f}s slow={flood.count(SLOW)} opening={flood.opening} "
                      f"cut={flood.cut} greeted_total={flood.greeted_total}")

    while time.monotonic() - begin < a.warmup:
        time.sleep(1.0)
        status()
    out("slow_at_probe_start", flood.count(SLOW))

    out("phase probing")
    side = {}
    threads = [threading.Thread(target=trickle, args=(a, side), daemon=True),
               threading.Thread(target=noops, args=(a, side), daemon=True)]
    for t in threads:
        t.start()
    times, greets = [], []
    for i in range(a.probes):
        took, greeted, line = probe(a)
        out("probe", f"{i + 1} seconds={'%.2f' % took if took is not None else 'FAILED'} "
                     f"greeting_after={'%.2f' % greeted if greeted is not None else '-'} "
                     f"slow_open={flood.count(SLOW)} last={line.replace(' ', '_')[:40]}")
        if took is not None:
            times.append(took)
            greets.append(greeted)
        status()
        if i + 1 < a.probes:
            time.sleep(a.probe_gap)
    for t in threads:
        t.join(timeout=a.trickle_max + 30)
    out("probes_ok", f"{len(times)}/{a.probes}")
    if times:
        out("probe_seconds_max", f"{max(times):.2f}")
        out("probe_seconds_median", f"{statistics.median(times):.2f}")
        out("probe_greeting_max", f"{max(greets):.2f}")
    for key in ("trickle_seconds", "trickle_bytes", "trickle_reply", "noop_ok", "noop_end", "noop_seconds"):
        out(key, side.get(key, "-"))
    out("slow_cut", flood.cut)
    out("slow_greeted_total", flood.greeted_total)
    out("slow_connect_failures", flood.connect_failures)
    out("slow_end_replies", ",".join(f"{k}:{v}" for k, v in sorted(flood.replies.items())) or "none")

    out("phase hold")
    while not os.path.exists(a.go) and time.monotonic() - begin < a.hold_max:
        time.sleep(0.2)
    stop.set()
    runner.join(timeout=30)
    out("phase done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
