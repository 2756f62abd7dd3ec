#!/usr/bin/python3
"""The client and the checks of interop/arc: Posthorn's ARC (RFC 8617) against Debian's python3-dkim (dkimpy).

    arc-client.py --host H --port P --maildir DIR --records FILE --key FILE --posthorn BIN --work DIR
                  [--delivery-timeout SECONDS]

Runs under Debian's /usr/bin/python3, which has the dkim module (package python3-dkim) with its ARC code and the
authres module it needs. No check touches the network beyond 127.0.0.50-59: dkimpy's key lookups go to a dnsfunc
that answers from FILE (the zone-file lines `posthorn dkim keygen` printed), Posthorn's to the same file
(`posthorn arc verify --key-record FILE`).

(a) dkimpy seals, Posthorn verifies: dkim.arc_sign() seals a message carrying an Authentication-Results field of
    its authserv-id once (i=1, cv=none) and then again (i=2, cv=pass, after a second Authentication-Results with
    arc=pass); `posthorn arc verify` must say arc=pass (exit 0) for each.
(b) Posthorn seals, dkimpy verifies: a message to list@near.test goes to the daemon's MX listener on H:P; the alias
    list points to carol@far.test, so the daemon seals it (dkim.arc.seal) with near.test's key and relays it to
    the second daemon, which delivers it to DIR/carol/new; dkim.arc_verify() of that copy (LF turned back into
    CRLF) must give cv pass. Then `posthorn arc sign` adds a second set to the dkimpy-sealed message of (a) and
    dkimpy must verify that three-set chain too.
(c) A changed body breaks the chain on both sides: the copies of (a) with a word of the body changed give arc=fail
    (exit 1) in Posthorn, and the copy of (b) with a word changed gives cv fail in dkimpy.

Prints "PASS name" or "FAIL name: reason" per check; exits 0 (the driver counts the lines); 2 on a usage error.
"""

import argparse
import os
import smtplib
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, expect, log, result  # noqa: E402
from mailauth_tools import delivered, dnsfunc_for, read_records  # noqa: E402

import dkim  # noqa: E402

TIMEOUT = 15








def message(to, subject, results=None):
    fields = "Authentication-Results: " + results + "\r\n" if results else ""
    return (fields + "From: Alice <alice@origin.test>\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n"
            "Date: Mon, 01 Jun 2026 12:00:00 +0000\r\nMessage-ID: <" + str(time.time_ns())
            + "@client.posthorn.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
            "\r\nHello,\r\n\r\nthis message travels  far   \r\nand is sealed on the way.\r\n").encode("ascii")


def dkimpy_seal(data, key, srv_id):
    fields = dkim.arc_sign(data, b"arc1", b"near.test", key, srv_id.encode(),
                           include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    expect(fields, "dkim.arc_sign returned no ARC set")
    return b"".join(fields) + data


def posthorn(args, *command):
    return subprocess.run([args.posthorn, "arc"] + list(command), capture_output=True, timeout=60)


def posthorn_verify(args, name, data):
    path = os.path.join(args.work, name + ".eml")
    with open(path, "wb") as f:
        f.write(data)
    return posthorn(args, "verify", "--key-record", args.records, path)


def outcome(run):
    return "exit %d: %s %s" % (run.returncode, run.stdout.decode().strip(), run.stderr.decode().strip())


def dkimpy_sealed(args, key):
    """(a), and (c) on Posthorn's side. Returns the two-set message for (b)."""
    once = check("a-dkimpy-seals-i1", dkimpy_seal,
                 message("bob@near.test", "dkimpy seals once", "mx1.near.test; spf=pass smtp.mailfrom=origin.test"),
                 key, "mx1.near.test")
    if once is None:
        return None
    run = posthorn_verify(args, "dkimpy-i1", once)
    result("a-posthorn-verifies-i1", run.returncode == 0 and run.stdout.startswith(b"arc=pass (i=1"), outcome(run))
    twice = check("a-dkimpy-seals-i2", dkimpy_seal,
                  b"Authentication-Results: mx2.near.test; arc=pass\r\n" + once, key, "mx2.near.test")
    if twice is None:
        return None
    result("a-dkimpy-i2-says-cv-pass", b"ARC-Seal: i=2; cv=pass;" in twice.replace(b"\r\n", b""), "no cv=pass")
    run = posthorn_verify(args, "dkimpy-i2", twice)
    result("a-posthorn-verifies-i2", run.returncode == 0 and run.stdout.startswith(b"arc=pass (i=2"), outcome(run))
    for name, data in [("i1", once), ("i2", twice)]:
        changed = data.replace(b"sealed on the way", b"changed on the way")
        run = posthorn_verify(args, "dkimpy-%s-changed" % name, changed)
        result("c-posthorn-fails-changed-body-%s" % name,
               run.returncode == 1 and run.stdout.startswith(b"arc=fail") and b"body hash did not verify" in run.stdout,
               outcome(run))
    return twice


def submit(args, data):
    with smtplib.SMTP(args.host, args.port, local_hostname="client.posthorn.test", timeout=TIMEOUT) as smtp:
        smtp.set_debuglevel(1)
        refused = smtp.sendmail("alice@origin.test", ["list@near.test"], data)
        expect(not refused, "refused: %r" % refused)





def dkimpy_verify(data, records):
    cv, results, reason = dkim.arc_verify(data, dnsfunc=dnsfunc_for(records))
    return cv, reason


def posthorn_sealed(args, records, twice):
    """(b), and (c) on dkimpy's side."""
    check("b-submit-to-the-alias", submit, args, message("list@near.test", "Posthorn seals"))
    wire = check("b-forwarded-to-far-test", delivered, args.maildir, "carol", args.delivery_timeout)
    if wire is not None:
        result("b-posthorn-sealed-i1", wire.startswith(b"Return-Path:") and b"\r\nARC-Seal: i=1; cv=none;" in wire,
               "no ARC-Seal i=1 in %r" % wire[:600])
        cv, reason = dkimpy_verify(wire, records)
        result("b-dkimpy-verifies-daemon-seal", cv == dkim.CV_Pass, "cv %r: %s" % (cv, reason))
        cv, reason = dkimpy_verify(wire.replace(b"sealed on the way", b"changed on the way"), records)
        result("c-dkimpy-fails-changed-body-daemon", cv == dkim.CV_Fail, "cv %r: %s" % (cv, reason))
    if twice is None:
        return
    path = os.path.join(args.work, "dkimpy-i2.eml")
    out = os.path.join(args.work, "posthorn-i3.eml")
    run = posthorn(args, "sign", "--key-record", args.records, "--domain", "near.test", "--selector", "arc1",
                   "--key", args.key, "--authserv-id", "mx3.near.test", "--out", out, path)
    result("b-posthorn-seals-i3", run.returncode == 0, outcome(run))
    if run.returncode == 0:
        with open(out, "rb") as f:
            thrice = f.read()
        result("b-posthorn-i3-says-cv-pass", thrice.startswith(b"ARC-Seal: i=3; cv=pass;"), repr(thrice[:80]))
        cv, reason = dkimpy_verify(thrice, records)
        result("b-dkimpy-verifies-posthorn-i3", cv == dkim.CV_Pass, "cv %r: %s" % (cv, reason))
        cv, reason = dkimpy_verify(thrice.replace(b"sealed on the way", b"changed on the way"), records)
        result("c-dkimpy-fails-changed-body-i3", cv == dkim.CV_Fail, "cv %r: %s" % (cv, reason))


def main():
    parser = argparse.ArgumentParser()
    for option in ["--host", "--maildir", "--records", "--key", "--posthorn", "--work"]:
        parser.add_argument(option, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delivery-timeout", type=float, default=30)
    args = parser.parse_args()
    records = read_records(args.records)
    result("records-read (%d)" % len(records), len(records) == 1, "expected 1 key record in %s" % args.records)
    with open(args.key, "rb") as f:
        key = f.read()
    twice = dkimpy_sealed(args, key)
    posthorn_sealed(args, records, twice)
    log("done")


if __name__ == "__main__":
    main()
