#!/usr/bin/env python3
"""Open-loop SMTP latency client for bench/latency (Python 3, standard library only).

Starts a new connection and transaction (EHLO, MAIL, RCPT, DATA, a message of --size octets, QUIT) on a fixed,
seeded schedule of --rate arrivals per second (Poisson or evenly spaced), whatever the server's pace: an open loop,
so a slow reply delays no later arrival (a closed loop would hide queueing delay). At most --max-in-flight
transactions run at once (one worker thread each); an arrival that finds them all busy is counted as skipped, not
queued. Only the time from the moment the last write of the message and its terminating "<CRLF>.<CRLF>" returns to
the moment the reply line to DATA is read is measured (time.perf_counter_ns), i.e. the server's end-of-data
processing (for a durable server: writing and forcing the message to disk) plus one loopback round trip and this
client's own scheduling delay (the GIL). Arrivals in the first --warmup seconds are run but not counted.

Prints one line of key=value figures on stdout; with --samples FILE writes each counted latency in ns, one a line.
"""
import argparse
import random
import socket
import sys
import threading
import time

LINE_LIMIT = 4096  # an SMTP reply line is at most 512 octets (RFC 5321 4.5.3.1.5); leave room, but bound reads


def read_reply(f):
    """Reads one reply (RFC 5321 4.2: lines "ddd-" continue, "ddd " ends it); returns its code, or raises."""
    while True:
        line = f.readline(LINE_LIMIT)
        if not line.endswith(b"\n"):
            raise IOError("connection closed or reply line too long")
        if len(line) < 4 or not line[:3].isdigit():
            raise IOError("malformed reply line")
        if line[3:4] != b"-":
            return int(line[:3])


def expect(f, ok):
    code = read_reply(f)
    if code != ok:
        raise IOError("reply %d, expected %d" % (code, ok))


def message(size, n):
    head = ("From: <s@bench-client.test>\r\nTo: <user@bench.test>\r\nSubject: latency %d\r\n"
            "Message-ID: <lat-%d@bench-client.test>\r\n\r\n" % (n, n)).encode()
    body_len = max(size - len(head), 2)
    line = b"x" * 76 + b"\r\n"
    body = (line * (body_len // len(line) + 1))[:body_len - 2] + b"\r\n"
    return head + body + b".\r\n"


def transaction(host, port, payload, timeout):
    """One transaction on a new connection; returns the ns from the end of the message to the DATA reply."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        f = s.makefile("rb")
        expect(f, 220)
        s.sendall(b"EHLO bench-client.test\r\n")
        expect(f, 250)
        s.sendall(b"MAIL FROM:<s@bench-client.test>\r\n")
        expect(f, 250)
        s.sendall(b"RCPT TO:<user@bench.test>\r\n")
        expect(f, 250)
        s.sendall(b"DATA\r\n")
        expect(f, 354)
        s.sendall(payload)
        t0 = time.perf_counter_ns()
        code = read_reply(f)
        t1 = time.perf_counter_ns()
        if code != 250:
            raise IOError("reply %d to the end of data" % code)
        s.sendall(b"QUIT\r\n")
        try:
            read_reply(f)
        except (IOError, OSError):
            pass  # the message is accepted; a lost 221 is no failure of the measured step
        return t1 - t0


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.failures = 0
        self.errors = {}
        self.in_flight = 0
        self.max_in_flight_seen = 0
        self.skipped = 0
        self.done = 0
        self.last_end = 0


def percentile(sorted_values, p):
    """Nearest-rank percentile (the smallest value with at least p % of the values at or below it)."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, -(-len(sorted_values) * p // 100) - 1))
    return sorted_values[int(k)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rate", type=float, required=True, help="arrivals per second")
    ap.add_argument("--duration", type=float, default=30.0, help="measured seconds after the warm-up")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds of arrivals run but not counted")
    ap.add_argument("--size", type=int, default=1000, help="message size in octets")
    ap.add_argument("--max-in-flight", type=int, default=128)
    ap.add_argument("--arrivals", choices=["poisson", "even"], default="poisson")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--timeout", type=float, default=30.0, help="socket timeout for each read and connect")
    ap.add_argument("--samples", help="write each counted latency (ns) to this file")
    a = ap.parse_args()

    rng = random.Random(a.seed)
    stats = Stats()
    jobs = []  # (arrival number, counted?) handed to the workers
    cv = threading.Condition()
    stop = False

    def worker():
        while True:
            with cv:
                while not jobs and not stop:
                    cv.wait()
                if not jobs:
                    return
                n, counted = jobs.pop()
            try:
                ns = transaction(a.host, a.port, message(a.size, n), a.timeout)
                err = None
            except (OSError, IOError) as e:
                ns, err = None, type(e).__name__ + ": " + str(e)[:80]
            with stats.lock:
                stats.in_flight -= 1
                stats.done += 1
                if counted:
                    stats.last_end = time.perf_counter_ns()
                    if err is None:
                        stats.latencies.append(ns)
                    else:
                        stats.failures += 1
                        stats.errors[err] = stats.errors.get(err, 0) + 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.max_in_flight)]
    for t in threads:
        t.start()

    start = time.perf_counter_ns()
    end = start + int((a.warmup + a.duration) * 1e9)
    measure_from = start + int(a.warmup * 1e9)
    at = start
    n = counted_arrivals = 0
    while True:
        gap = rng.expovariate(a.rate) if a.arrivals == "poisson" else 1.0 / a.rate
        at += int(gap * 1e9)
        if at >= end:
            break
        delay = (at - time.perf_counter_ns()) / 1e9
        if delay > 0:
            time.sleep(delay)
        n += 1
        counted = at >= measure_from
        counted_arrivals += counted
        with stats.lock:
            if stats.in_flight >= a.max_in_flight:
                if counted:
                    stats.skipped += 1
                continue
            stats.in_flight += 1
            stats.max_in_flight_seen = max(stats.max_in_flight_seen, stats.in_flight)
        with cv:
            jobs.append((n, counted))
            cv.notify()
    with cv:
        stop = True
        cv.notify_all()
    for t in threads:
        t.join(a.timeout * 8)

    lat = sorted(stats.latencies)
    # Achieved rate: counted transactions completed, over the time from the first counted arrival to the last end.
    window = max(stats.last_end, end) - measure_from
    ms = lambda v: "%.3f" % (v / 1e6)
    fields = {
        "arrivals": counted_arrivals, "offered_rate": "%.1f" % (counted_arrivals / a.duration),
        "completed": len(lat), "failures": stats.failures, "skipped": stats.skipped,
        "achieved_rate": "%.1f" % (len(lat) / (window / 1e9)),
        "p50_ms": ms(percentile(lat, 50)), "p90_ms": ms(percentile(lat, 90)), "p99_ms": ms(percentile(lat, 99)),
        "p99.9_ms": ms(percentile(lat, 99.9)), "max_ms": ms(lat[-1]) if lat else "nan",
        "mean_ms": ms(sum(lat) / len(lat)) if lat else "nan", "max_in_flight": stats.max_in_flight_seen,
    }
    print(" ".join("%s=%s" % kv for kv in fields.items()))
    for err, count in sorted(stats.errors.items(), key=lambda kv: -kv[1])[:5]:
        print("error %dx %s" % (count, err.replace("\r", " ").replace("\n", " ")), file=sys.stderr)
    if a.samples:
        with open(a.samples, "w") as out:
            out.writelines("%d\n" % v for v in stats.latencies)
    return 0 if stats.failures == 0 and stats.skipped == 0 and lat else 1


if __name__ == "__main__":
    sys.exit(main())
