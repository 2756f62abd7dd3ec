#!/usr/bin/env python3
"""Reads the flat JSON file of one testssl.sh run and prints a PASS or FAIL line per check.

    testssl-check.py NAME JSONFILE

Fails on any finding of severity HIGH or CRITICAL except the two that a self-signed certificate causes whatever
the server does (EXCUSED below), on a scan that could not be completed, and when the protocols, ciphers and
renegotiation are not as Posthorn's TLS settings (smtp-server ServerTls) make them. Python standard library only."""

import json
import sys

from checks import check, expect, result

# Findings a self-signed certificate causes, by testssl.sh id, and the text of the finding that proves the cause.
# Nothing else is excused.
EXCUSED = {
    # The certificate is signed by itself, not by a CA in testssl.sh's trust stores: the whole point of a
    # generated test certificate. A production server configures tls.cert/tls.key from a CA.
    "cert_chain_of_trust": "self signed",
    # A self-signed certificate names no CRL distribution point and no OCSP responder (only a CA runs those), and
    # testssl.sh is run without --phone-out, so it would not ask them anyway.
    "cert_revocation": "Neither CRL nor OCSP URI provided",
}

# What every listener must show, by id: (accepted severities, text the finding must start with).
EXPECTED = {
    "SSLv2": "not offered",
    "SSLv3": "not offered",
    "TLS1": "not offered",
    "TLS1_1": "not offered",
    "TLS1_2": "offered",
    "TLS1_3": "offered",
    "cipherlist_NULL": "not offered",
    "cipherlist_aNULL": "not offered",
    "cipherlist_EXPORT": "not offered",
    "cipherlist_LOW": "not offered",
    "cipherlist_3DES_IDEA": "not offered",
    "cipher_order": "server",
    "secure_client_renego": "not vulnerable",
    "cert_trust": "Ok via SAN",
}


def main():
    name, path = sys.argv[1], sys.argv[2]
    findings = check(name + " json", load, path)
    if findings is None:
        return 1
    by_id = {}
    for finding in findings:
        by_id.setdefault(finding.get("id", ""), []).append(finding)
    check(name + " scan complete", lambda: expect("scanProblem" not in by_id and "scanTime" in by_id,
                                                  "testssl.sh did not finish its scan: %s" % by_id.get("scanProblem")))
    severe = [f for f in findings if f.get("severity") in ("HIGH", "CRITICAL")]
    excused = [f for f in severe if EXCUSED.get(f["id"]) and EXCUSED[f["id"]] in f.get("finding", "")]
    for f in excused:
        print("  excused %s %s: %s (self-signed test certificate)" % (f["severity"], f["id"], f["finding"]))
    left = [f for f in severe if f not in excused]
    result(name + " no HIGH or CRITICAL finding", not left,
           "; ".join("%s %s: %s" % (f["severity"], f["id"], f.get("finding", "")) for f in left))
    for key, text in EXPECTED.items():
        got = [f.get("finding", "") for f in by_id.get(key, [])]
        result("%s %s %s" % (name, key, text), any(g.startswith(text) for g in got), "found %s" % (got or "nothing"))
    return 0


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    expect(isinstance(data, list) and data, "no findings in %s" % path)
    return data


if __name__ == "__main__":
    sys.exit(main())
