#!/usr/bin/env python3
"""Client side of bench/idle-connections: opens many idle SMTP connections and holds them.

Standard library only. One thread, non-blocking sockets on an epoll selector, so one process can hold tens of
thousands of connections (the caller raises `ulimit -n`).

Phases:
  open   connect N sockets (bound to source addresses 127.0.0.FIRST .. FIRST+SOURCES-1 in turn, so no source
         address runs out of ports), read each 220 greeting, optionally send EHLO and read its 250 reply; at most
         --inflight connections are in progress at once (the server's listen backlog is finite).
  hold   keep them all open and idle, watching for any the server closes or writes to, until the file --go
         appears (the caller measures the server meanwhile) or --hold-max seconds pass.
  check  verify that every connection is still open (no EOF, no unsolicited bytes, no socket error), send NOOP on
         every --noop-every'th one and expect 250.
  close  close them all.

Progress and results go to stdout as "key value" lines (the caller greps them); "phase X" marks each step.
Exit status: 0 when the run completed (whatever the figures), 2 on a usage error.
"""

import argparse
import errno
import os
import selectors
import socket
import sys
import time

IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)  # Linux: pick the port at connect()

CONNECTING, GREETING, EHLO, IDLE, NOOP, DEAD = "connecting", "greeting", "ehlo", "idle", "noop", "dead"
BUSY = (CONNECTING, GREETING, EHLO)  # the open phase's states


def out(key, value=""):
    print(f"{key} {value}".rstrip(), flush=True)


class Conn:
    __slots__ = ("index", "sock", "state", "buf", "started", "deadline", "reason")

    def __init__(self, index, sock, started, deadline):
        self.index = index
        self.sock = sock
        self.state = CONNECTING
        self.buf = b""
        self.started = started
        self.deadline = deadline
        self.reason = None


def reply_code(buf):
    """The code of the complete reply at the start of buf, or None if it is not complete yet.

    A reply is complete at the first CRLF-terminated line whose fourth octet is a space (RFC 5321 4.2.1).
    """
    for line in buf.split(b"\r\n")[:-1]:
        if len(line) < 3 or not line[:3].isdigit():
            return -1  # garbage
        if len(line) == 3 or line[3:4] == b" ":
            return int(line[:3])
    return None


class Client:
    def __init__(self, args):
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.conns = []
        self.failures = {}
        self.greet_latencies = []
        self.busy = 0  # connections in CONNECTING, GREETING or EHLO
        self.last_expire = 0.0

    # --- bookkeeping -------------------------------------------------------------------------------------------

    def fail(self, conn, reason):
        if conn.state == DEAD:
            return
        if conn.state in BUSY:
            self.busy -= 1
        conn.state = DEAD
        conn.reason = reason
        self.failures[reason] = self.failures.get(reason, 0) + 1
        try:
            self.sel.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        try:
            conn.sock.close()
        except OSError:
            pass

    def count(self, state):
        return sum(1 for c in self.conns if c.state == state)

    def failure_summary(self):
        if not self.failures:
            return "none"
        return ",".join(f"{k}:{v}" for k, v in sorted(self.failures.items(), key=lambda kv: -kv[1]))

    # --- phase open --------------------------------------------------------------------------------------------

    def start_one(self, index, now):
        a = self.args
        source = f"127.0.0.{a.first_source + index % a.sources}"
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        conn = Conn(index, sock, now, now + a.step_timeout)
        self.conns.append(conn)
        self.busy += 1
        try:
            sock.setblocking(False)
            try:
                sock.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            except OSError:
                pass
            sock.bind((source, 0))
            rc = sock.connect_ex((a.host, a.port))
        except OSError as e:
            self.fail(conn, "connect:" + errno.errorcode.get(e.errno, str(e.errno)))
            return
        if rc not in (0, errno.EINPROGRESS):
            self.fail(conn, "connect:" + errno.errorcode.get(rc, str(rc)))
            return
        self.sel.register(sock, selectors.EVENT_WRITE, conn)

    def on_event(self, conn, mask, now):
        if conn.state == CONNECTING:
            err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                self.fail(conn, "connect:" + errno.errorcode.get(err, str(err)))
                return
            conn.state = GREETING
            conn.deadline = now + self.args.step_timeout
            self.sel.modify(conn.sock, selectors.EVENT_READ, conn)
            return
        try:
            data = conn.sock.recv(4096)
        except BlockingIOError:
            return
        except OSError as e:
            self.fail(conn, f"{conn.state}:recv:" + errno.errorcode.get(e.errno, str(e.errno)))
            return
        if not data:
            self.fail(conn, f"{conn.state}:closed-by-server")
            return
        if conn.state == IDLE:
            # Unsolicited bytes on an idle connection: most likely a 421 before the server closes it.
            self.fail(conn, "idle:unsolicited-" + data[:3].decode("ascii", "replace"))
            return
        conn.buf += data
        code = reply_code(conn.buf)
        if code is None:
            if len(conn.buf) > 65536:
                self.fail(conn, f"{conn.state}:reply-too-long")
            return
        conn.buf = b""
        if conn.state == GREETING:
            if code != 220:
                self.fail(conn, f"greeting:{code}")
                return
            self.greet_latencies.append(now - conn.started)
            if self.args.ehlo:
                conn.state = EHLO
                conn.deadline = now + self.args.step_timeout
                self.send(conn, b"EHLO bench.example\r\n")
            else:
                conn.state = IDLE
                self.busy -= 1
        elif conn.state == EHLO:
            if code != 250:
                self.fail(conn, f"ehlo:{code}")
                return
            conn.state = IDLE
            self.busy -= 1
        elif conn.state == NOOP:
            if code != 250:
                self.fail(conn, f"noop:{code}")
                return
            conn.state = IDLE

    def send(self, conn, data):
        try:
            n = conn.sock.send(data)
        except OSError as e:
            self.fail(conn, f"{conn.state}:send:" + errno.errorcode.get(e.errno, str(e.errno)))
            return
        if n != len(data):  # a few bytes into an empty socket buffer never fall short; be strict anyway
            self.fail(conn, f"{conn.state}:short-send")

    def expire(self, now, states):
        if now - self.last_expire < 0.5:  # a scan of every connection; not on every event
            return
        self.last_expire = now
        for conn in self.conns:
            if conn.state in states and conn.deadline < now:
                self.fail(conn, f"{conn.state}:timeout")

    def pump(self, timeout):
        now = time.monotonic()
        for key, mask in self.sel.select(timeout):
            self.on_event(key.data, mask, now)

    def open_all(self):
        a = self.args
        begin = time.monotonic()
        end = begin + a.open_timeout
        started = 0
        last_report = begin
        while True:
            now = time.monotonic()
            while started < a.n and self.busy < a.inflight:
                self.start_one(started, now)
                started += 1
            if started >= a.n and self.busy == 0:
                break
            if now > end:
                for conn in self.conns:
                    if conn.state in BUSY:
                        self.fail(conn, f"{conn.state}:open-phase-timeout")
                break
            self.pump(0.05)
            self.expire(time.monotonic(), BUSY)
            if now - last_report >= 5:
                last_report = now
                out("progress", f"started={started} idle={self.count(IDLE)} failed={self.count(DEAD)}")
        elapsed = time.monotonic() - begin
        lat = sorted(self.greet_latencies)

        def pct(p):
            return f"{lat[min(len(lat) - 1, int(p * len(lat)))] * 1000:.1f}" if lat else "-"

        out("attempted", started)
        out("established", len(lat))  # connected and greeted with 220
        out("idle", self.count(IDLE))  # ... and, with EHLO, answered 250 to it
        out("open_seconds", f"{elapsed:.2f}")
        out("open_rate_per_s", f"{(self.count(IDLE) / elapsed) if elapsed > 0 else 0:.0f}")
        out("greeting_ms_p50", pct(0.50))
        out("greeting_ms_p99", pct(0.99))
        out("greeting_ms_max", f"{lat[-1] * 1000:.1f}" if lat else "-")
        out("open_failures", self.failure_summary())

    # --- phase hold --------------------------------------------------------------------------------------------

    def hold(self):
        a = self.args
        begin = time.monotonic()
        end = begin + a.hold_max
        reason = "hold-max"
        while time.monotonic() < end:
            if a.go and os.path.exists(a.go):
                reason = "go"
                break
            self.pump(0.2)
        out("held_seconds", f"{time.monotonic() - begin:.1f}")
        out("hold_ended_by", reason)
        out("closed_during_hold", self.failure_summary())

    # --- phase check -------------------------------------------------------------------------------------------

    def check(self):
        a = self.args
        before = self.count(IDLE)
        # 1. every idle connection: still open, nothing unread, no pending socket error.
        for conn in self.conns:
            if conn.state != IDLE:
                continue
            err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                self.fail(conn, "check:so_error:" + errno.errorcode.get(err, str(err)))
                continue
            try:
                data = conn.sock.recv(1, socket.MSG_PEEK)
            except BlockingIOError:
                continue  # open and quiet: what we want
            except OSError as e:
                self.fail(conn, "check:recv:" + errno.errorcode.get(e.errno, str(e.errno)))
                continue
            self.fail(conn, "check:closed-by-server" if not data else "check:unsolicited-data")
        alive = self.count(IDLE)
        # 2. NOOP on a sample.
        sample = [c for c in self.conns if c.state == IDLE and c.index % a.noop_every == 0]
        now = time.monotonic()
        for conn in sample:
            conn.state = NOOP
            conn.deadline = now + a.step_timeout
            self.send(conn, b"NOOP\r\n")
        end = now + a.step_timeout + 1
        while time.monotonic() < end and any(c.state == NOOP for c in sample):
            self.pump(0.05)
            self.expire(time.monotonic(), (NOOP,))
        for conn in sample:
            if conn.state == NOOP:
                self.fail(conn, "noop:timeout")
        noop_ok = sum(1 for c in sample if c.state == IDLE)
        out("open_before_check", before)
        out("alive_at_check", alive)
        out("noop_sent", len(sample))
        out("noop_ok", noop_ok)
        out("alive_after_noop", self.count(IDLE))
        out("all_failures", self.failure_summary())

    # --- phase close -------------------------------------------------------------------------------------------

    def close_all(self):
        begin = time.monotonic()
        closed = 0
        for conn in self.conns:
            if conn.state != DEAD:
                try:
                    self.sel.unregister(conn.sock)
                except (KeyError, ValueError):
                    pass
                conn.sock.close()
                conn.state = DEAD
                closed += 1
        self.sel.close()
        out("closed", closed)
        out("close_seconds", f"{time.monotonic() - begin:.2f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("-n", type=int, default=10000, help="connections to open (default 10000)")
    p.add_argument("--sources", type=int, default=10, help="source addresses to spread over (default 10)")
    p.add_argument("--first-source", type=int, default=2, help="last octet of the first source address (default 2)")
    p.add_argument("--no-ehlo", dest="ehlo", action="store_false", help="do not send EHLO after the greeting")
    p.add_argument("--inflight", type=int, default=200, help="connections in progress at once (default 200)")
    p.add_argument("--step-timeout", type=float, default=30, help="seconds for each connect/reply (default 30)")
    p.add_argument("--open-timeout", type=float, default=120, help="seconds for the whole open phase (default 120)")
    p.add_argument("--hold-max", type=float, default=120, help="longest hold in seconds (default 120)")
    p.add_argument("--go", help="end the hold when this file exists")
    p.add_argument("--noop-every", type=int, default=10, help="send NOOP on every K-th connection (default 10)")
    a = p.parse_args()
    if a.n < 1 or a.sources < 1 or a.first_source < 1 or a.first_source + a.sources - 1 > 254 or a.noop_every < 1:
        p.error("bad -n, --sources, --first-source or --noop-every")
    client = Client(a)
    out("phase", "open")
    client.open_all()
    out("phase", "hold")
    client.hold()
    out("phase", "check")
    client.check()
    out("phase", "close")
    client.close_all()
    out("phase", "done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
