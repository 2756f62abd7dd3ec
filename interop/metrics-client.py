#!/usr/bin/python3
"""The client and the checks of interop/metrics: Posthorn's admin listener and its /metrics, read by Debian's
python3-prometheus-client.

    metrics-client.py --mx-port P --submission-port P --admin-port P --token-file FILE --work DIR

Runs under Debian's /usr/bin/python3 (package python3-prometheus-client). Everything talks to 127.0.0.1 only.

Sends mail as real clients do: Python's smtplib to the MX listener (messages accepted, a relay attempt and an unknown
recipient refused at RCPT), swaks to the MX listener, smtplib to the submission listener with STARTTLS (one AUTH with
a wrong password, one that succeeds and sends). Between the steps it scrapes /metrics with curl and parses the text
with prometheus_client.parser.text_string_to_metric_families, and checks that each counter equals what was sent.
Then the admin listener's other routes with curl: /healthz, /readyz, /api/v1 without and with the token (401, 404),
and a request body over 1 MiB (413).

The last scrape is kept as DIR/metrics.txt. Prints "PASS name" or "FAIL name: reason" per check; exits 0 (the driver counts the lines); 2 on a usage error.
"""

import argparse
import os
import smtplib
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, expect, log  # noqa: E402

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

HOST = "127.0.0.1"
TIMEOUT = 15
ACCEPTED = 5  # messages smtplib sends to the MX listener


def curl(url, *extra):
    """(status, body) of a curl request; curl's own failure is an exception."""
    out = subprocess.run(["curl", "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", *extra, url],
                         capture_output=True, check=True)
    body, _, status = out.stdout.rpartition(b"\n")
    return int(status), body.decode("utf-8", "replace")


class Scrape:
    """One /metrics scrape, parsed by the real Prometheus parser."""

    def __init__(self, port):
        status, text = curl("http://%s:%d/metrics" % (HOST, port))
        expect(status == 200, "GET /metrics: %d" % status)
        self.text = text
        self.samples = [s for family in text_string_to_metric_families(text) for s in family.samples]

    def sum(self, name, **labels):
        return sum(s.value for s in self.samples
                   if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))

    def names(self):
        return {s.name for s in self.samples}


def message(i, to):
    # CRLF line ends, no line starting with a dot: the octets on the wire are the octets Posthorn counts.
    return ("From: s@client.test\r\nTo: %s\r\nSubject: metrics %d\r\nMessage-ID: <m%d@client.test>\r\n\r\n"
            "message %d\r\n" % (to, i, i, i)).encode("ascii")


def send_accepted(port):
    octets = 0
    with smtplib.SMTP(HOST, port, "client.test", timeout=TIMEOUT) as smtp:
        for i in range(ACCEPTED):
            data = message(i, "alice@near.test")
            smtp.sendmail("s@client.test", ["alice@near.test"], data)
            octets += len(data)
    return octets


def refused_at_rcpt(port, rcpt, status):
    with smtplib.SMTP(HOST, port, "client.test", timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        code, _ = smtp.mail("s@client.test")
        expect(code == 250, "MAIL: %d" % code)
        code, msg = smtp.rcpt(rcpt)
        expect(code == 550 and msg.startswith(status.encode()), "RCPT TO:<%s>: %d %r" % (rcpt, code, msg))
        smtp.rset()


def submission(port, password):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP(HOST, port, "client.test", timeout=TIMEOUT) as smtp:
        smtp.starttls(context=context)
        smtp.login("alice", password)
        smtp.sendmail("alice@near.test", ["bob@near.test"], message(99, "bob@near.test"))


def wait_for(port, name, value, **labels):
    """Sessions are counted when the server closed them, a moment after the client: wait (at most 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        scrape = Scrape(port)
        if scrape.sum(name, **labels) == value or time.monotonic() > deadline:
            return scrape
        time.sleep(0.1)


def equal(scrape, expected, name, labels=None, **more):
    labels = dict(labels or {}, **more)
    got = scrape.sum(name, **labels)
    expect(got == expected, "%s%s = %s, expected %s" % (name, labels or "", got, expected))


def main():
    parser = argparse.ArgumentParser()
    for option in ("--mx-port", "--submission-port", "--admin-port"):
        parser.add_argument(option, type=int, required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    admin = args.admin_port

    octets = check("smtplib-accepted (%d messages to the MX listener)" % ACCEPTED, send_accepted, args.mx_port)
    check("smtplib-relay-refused (550 5.7.1)", refused_at_rcpt, args.mx_port, "x@far.test", "5.7.1")
    check("smtplib-unknown-refused (550 5.1.1)", refused_at_rcpt, args.mx_port, "nobody@near.test", "5.1.1")
    scrape = wait_for(admin, "posthorn_sessions_total", 3, role="mx")
    if octets is not None:
        check("received-bytes (%d octets as sent)" % octets,
              lambda: equal(scrape, octets, "posthorn_received_bytes_total", role="mx"))

    swaks = subprocess.run(["swaks", "--server", HOST, "--port", str(args.mx_port), "--helo", "client.test",
                            "--from", "s@client.test", "--to", "bob@near.test,alice@near.test", "--timeout", str(TIMEOUT)],
                           capture_output=True, text=True)
    check("swaks-accepted", lambda: expect(swaks.returncode == 0 and "queued as" in swaks.stdout,
                                           "swaks exit %d: %s" % (swaks.returncode, swaks.stdout[-300:])))

    def wrong_password():
        try:
            submission(args.submission_port, "not-the-password")
        except smtplib.SMTPAuthenticationError as e:
            expect(e.smtp_code == 535, "AUTH: %d" % e.smtp_code)
            return
        raise AssertionError("AUTH with a wrong password was accepted")

    check("submission-auth-refused (535)", wrong_password)
    check("submission-auth-accepted", submission, args.submission_port, "wonderland")

    scrape = wait_for(admin, "posthorn_sessions_total", 6)
    with open(os.path.join(args.work, "metrics.txt"), "w", encoding="utf-8") as f:
        f.write(scrape.text)
    for name, expected, labels in [
        ("posthorn_connections_total", 4, {"role": "mx"}),
        ("posthorn_connections_total", 2, {"role": "submission"}),
        ("posthorn_connections_open", 0, {}),
        ("posthorn_sessions_total", 6, {}),
        ("posthorn_sessions_total", 4, {"role": "mx", "outcome": "quit"}),
        ("posthorn_messages_accepted_total", ACCEPTED + 1, {"role": "mx"}),
        ("posthorn_messages_accepted_total", 1, {"role": "submission"}),
        ("posthorn_recipients_refused_total", 1, {"role": "mx", "reason": "5.7.1"}),
        ("posthorn_recipients_refused_total", 1, {"role": "mx", "reason": "5.1.1"}),
        ("posthorn_messages_refused_total", 0, {}),
        # smtplib's login() tries each offered mechanism in turn: PLAIN, then LOGIN, each refused.
        ("posthorn_auth_total", 1, {"role": "submission", "mechanism": "PLAIN", "result": "failure"}),
        ("posthorn_auth_total", 1, {"role": "submission", "mechanism": "LOGIN", "result": "failure"}),
        ("posthorn_auth_total", 1, {"role": "submission", "result": "success"}),
        ("posthorn_tls_sessions_total", 2, {"role": "submission", "direction": "in"}),
        # Mail for one Maildir mailbox goes into it before the 250, never into the queue: only swaks's message,
        # for two mailboxes, is committed to the spool.
        ("posthorn_spool_commit_seconds_count", 1, {}),
        ("posthorn_spool_commit_seconds_bucket", 1, {"le": "+Inf"}),
    ]:
        shown = ",".join("%s=%s" % kv for kv in labels.items())
        check("metric %s{%s} = %d" % (name, shown, expected), equal, scrape, expected, name, labels)
    delivered = wait_for(admin, "posthorn_delivery_attempts_total", ACCEPTED + 3, transport="maildir",
                         outcome="delivered")
    check("metric posthorn_delivery_attempts_total{transport=maildir,outcome=delivered} = %d" % (ACCEPTED + 3),
          equal, delivered, ACCEPTED + 3, "posthorn_delivery_attempts_total", {"transport": "maildir",
                                                                               "outcome": "delivered"})
    check("metrics-jvm-and-process", lambda: expect(
        {"jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
         "process_files_open_files"} <= scrape.names(), "missing: %s" % sorted(
            {"jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
             "process_files_open_files"} - scrape.names())))

    base = "http://%s:%d" % (HOST, admin)
    with open(args.token_file, encoding="ascii") as f:
        token = f.read().strip()
    def answers(path, expected):
        got = curl(base + path)
        expect(got == expected, "GET %s: %r, expected %r" % (path, got, expected))

    check("healthz (200 ok)", answers, "/healthz", (200, "ok\n"))
    check("readyz (200 ready)", answers, "/readyz", (200, '{"ready":true}'))
    check("api-without-token (401, nothing disclosed)", answers, "/api/v1/queue", (401, '{"error":"unauthorized"}'))
    check("api-wrong-token (401)", lambda: expect(
        curl(base + "/api/v1/queue", "-H", "Authorization: Bearer x" + token)[0] == 401, "not 401"))
    check("api-with-token-unknown-path (404)", lambda: expect(
        curl(base + "/api/v1/no-such-part", "-H", "Authorization: Bearer " + token)[0] == 404, "not 404"))
    big = os.path.join(args.work, "big.json")
    with open(big, "wb") as f:
        f.write(b"x" * (1024 * 1024 + 1))
    check("api-body-over-1-mib (413)", lambda: expect(
        curl(base + "/api/v1/queue", "-H", "Authorization: Bearer " + token, "--data-binary", "@" + big)[0] == 413,
        "not 413"))
    log("metrics-client: done")


if __name__ == "__main__":
    main()
