#!/usr/bin/python3
"""The client and the checks of interop/dkim: Posthorn's DKIM against Debian's python3-dkim (dkimpy).

    dkim-client.py --port P --maildir DIR --records FILE --rsa-key FILE --ed25519-key FILE --posthorn BIN
                   --work DIR [--delivery-timeout SECONDS]

Runs under Debian's /usr/bin/python3, which has the dkim module (package python3-dkim) and PyNaCl for Ed25519.
No check touches the network beyond 127.0.0.1: dkimpy's key lookups go to a dnsfunc that answers from FILE, the
zone-file lines `posthorn dkim keygen` printed.

(a) Posthorn signs, dkimpy verifies: submits a message as alice (STARTTLS, AUTH PLAIN) to Posthorn's submission
    listener on 127.0.0.1:P, waits for it in bob's Maildir (DIR/bob/new), turns its LF line ends back into CRLF and
    checks with dkim.DKIM(...).verify(idx, dnsfunc) that both signatures (rsa-sha256 and ed25519-sha256, d=near.test)
    verify, and that a changed Subject makes both fail.
(b) dkimpy signs, Posthorn verifies: signs a message with dkim.sign() for each key and for c=simple/simple and
    relaxed/relaxed, with the keys keygen wrote (the Ed25519 seed taken from its PKCS#8 file, as dkimpy wants it),
    and runs `posthorn dkim verify --key-record FILE`: exit 0 and "dkim=pass" expected; then a changed body must give
    exit 1 and "dkim=fail".

Prints "PASS name" or "FAIL name: reason" per check; exits 0 (the driver counts the lines); 2 on a usage error.
"""

import argparse
import base64
import os
import re
import smtplib
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, expect, log, result  # noqa: E402
from mailauth_tools import delivered, dnsfunc_for, read_records  # noqa: E402

import dkim  # noqa: E402

HOST = "127.0.0.1"
TIMEOUT = 15








def message(subject, body):
    return ("From: Alice <alice@near.test>\r\nTo: Bob <bob@near.test>\r\nSubject: " + subject + "\r\n"
            "Date: Mon, 01 Jun 2026 12:00:00 +0000\r\nMessage-ID: <" + str(time.time_ns())
            + "@client.posthorn.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "\r\n" + body).encode("utf-8")


def submit(port, data):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE   # the daemon's self-signed certificate
    with smtplib.SMTP(HOST, port, local_hostname="client.posthorn.test", timeout=TIMEOUT) as smtp:
        smtp.set_debuglevel(1)
        smtp.starttls(context=context)
        smtp.login("alice", "wonderland")
        refused = smtp.sendmail("alice@near.test", ["bob@near.test"], data)
        expect(not refused, "refused: %r" % refused)





def posthorn_signed(args, records):
    data = message("Posthorn signs, dkimpy verifies", "Hello Bob,\r\n\r\nüber  alles   \r\n\r\n")
    check("a-submit-with-auth", submit, args.port, data)
    wire = check("a-delivered-to-maildir", delivered, args.maildir, "bob", args.delivery_timeout)
    if wire is None:
        return
    fields = re.findall(rb"^DKIM-Signature:.*?a=([a-z0-9-]+)", wire, re.M)
    result("a-two-signatures (%s)" % b", ".join(fields).decode(), fields == [b"rsa-sha256", b"ed25519-sha256"],
           "DKIM-Signature fields: %r" % fields)
    dnsfunc = dnsfunc_for(records)
    for idx, name in enumerate(["rsa-sha256", "ed25519-sha256"]):
        d = dkim.DKIM(wire, minkey=1024)
        ok = d.verify(idx=idx, dnsfunc=dnsfunc)
        result("a-dkimpy-verifies-%s" % name, ok, "dkimpy said no (%s)" % getattr(d, "logger", ""))
        tampered = wire.replace(b"Subject: Posthorn signs", b"Subject: Someone signs")
        result("a-dkimpy-rejects-changed-subject-%s" % name,
               not dkim.DKIM(tampered).verify(idx=idx, dnsfunc=dnsfunc), "a changed Subject still verified")


def ed25519_seed(pem_path):
    """The 32-octet seed of a PKCS#8 Ed25519 key (RFC 8410 7: the last 32 octets of its 48), base64 for dkimpy."""
    with open(pem_path, "rb") as f:
        der = base64.b64decode(b"".join(l for l in f.read().splitlines() if not l.startswith(b"-----")))
    expect(len(der) == 48, "an Ed25519 PKCS#8 key is 48 octets, got %d" % len(der))
    return base64.b64encode(der[-32:])


def posthorn_verify(args, path):
    return subprocess.run([args.posthorn, "dkim", "verify", "--key-record", args.records, path],
                          capture_output=True, text=True, timeout=60)


def dkimpy_signed(args):
    with open(args.rsa_key, "rb") as f:
        rsa = f.read()
    keys = [("rsa1", b"rsa-sha256", rsa), ("ed1", b"ed25519-sha256", ed25519_seed(args.ed25519_key))]
    for selector, algorithm, key in keys:
        for canon in [(b"simple", b"simple"), (b"relaxed", b"relaxed")]:
            name = "%s-%s" % (algorithm.decode(), b"/".join(canon).decode())
            data = message("dkimpy signs " + name, "Line one\r\n\r\nLine  three \r\n")
            sig = dkim.sign(data, selector.encode(), b"near.test", key, signature_algorithm=algorithm,
                            canonicalize=canon, include_headers=[b"from", b"to", b"subject", b"date"])
            path = os.path.join(args.work, "dkimpy-%s.eml" % name.replace("/", "-"))
            with open(path, "wb") as f:
                f.write(sig + data)
            run = posthorn_verify(args, path)
            result("b-posthorn-verifies-%s" % name, run.returncode == 0 and run.stdout.startswith("dkim=pass"),
                   "exit %d: %s %s" % (run.returncode, run.stdout.strip(), run.stderr.strip()))
            with open(path, "wb") as f:
                f.write(sig + data.replace(b"Line one", b"Line 1"))
            run = posthorn_verify(args, path)
            result("b-posthorn-rejects-changed-body-%s" % name,
                   run.returncode == 1 and "dkim=fail" in run.stdout and "body hash" in run.stdout,
                   "exit %d: %s %s" % (run.returncode, run.stdout.strip(), run.stderr.strip()))


def main():
    parser = argparse.ArgumentParser()
    for option in ["--maildir", "--records", "--rsa-key", "--ed25519-key", "--posthorn", "--work"]:
        parser.add_argument(option, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delivery-timeout", type=float, default=20)
    args = parser.parse_args()
    records = read_records(args.records)
    result("records-read (%d)" % len(records), len(records) == 2, "expected 2 key records in %s" % args.records)
    posthorn_signed(args, records)
    dkimpy_signed(args)
    log("done")


if __name__ == "__main__":
    main()
