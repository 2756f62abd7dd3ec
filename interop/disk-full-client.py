"""The SMTP side of interop/disk-full: fills the spool's disk through Posthorn's MX listener with Python's smtplib,
sends a message that cannot fit, probes the daemon, and checks that every acknowledged message reached its Maildir
intact. Prints "PASS name" or "FAIL name: reason" lines (interop/checks.py); interop/disk-full counts them.
Python standard library only.

    disk-full-client.py fill     --port P --disk DIR --min-free N --size S --results FILE
    disk-full-client.py probe    --port P --disk DIR --min-free N --expect-mail CODE --name NAME
    disk-full-client.py mid-data --port P --disk DIR --min-free N --size S --spool DIR
    disk-full-client.py race     --port P --disk DIR --min-free N --size S --count N --spool DIR --results FILE
    disk-full-client.py send     --port P --size S --count N --results FILE --phase NAME
    disk-full-client.py check    --results FILE --maildir DIR --spool DIR
"""

import argparse
import base64
import hashlib
import json
import os
import re
import secrets
import smtplib
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import expect, log, result  # noqa: E402

DOMAIN = "disk.test"
MAILBOXES = ["m0", "m1", "m2", "m3"]
HELO = "client.disk.test"
SENDER = "sender@client.disk.test"
# Posthorn asks the file system for its free space at most every 100 ms: a probe waits this long after a change.
SPACE_CACHE = 0.25
MAX_FILL = 2000       # messages; the disk is full long before


def free(disk):
    s = os.statvfs(disk)
    return s.f_bavail * s.f_frsize


def message(token, rcpt, size):
    """A message of about size octets whose body is random base64 lines; returns (text, digest), the digest over
    the body as a Maildir stores it (LF line ends)."""
    lines = base64.b64encode(os.urandom(size * 3 // 4)).decode("ascii")
    body = [lines[i:i + 76] for i in range(0, len(lines), 76)] + ["end of " + token]
    header = ["From: <%s>" % SENDER, "To: <%s>" % rcpt, "Subject: disk full " + token,
              "Message-ID: <%s@client.disk.test>" % token, "X-Disk-Token: " + token]
    text = "\r\n".join(header) + "\r\n\r\n" + "\r\n".join(body) + "\r\n"
    digest = hashlib.sha256(("\n".join(body) + "\n").encode("ascii")).hexdigest()
    return text.encode("ascii"), digest


def connect(port):
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=60)
    code, msg = smtp.ehlo(HELO)
    expect(code == 250, "EHLO: %d %r" % (code, msg))
    return smtp


def reply(code, msg):
    return "%d %s" % (code, msg.decode("utf-8", "replace").replace("\n", " "))


def transaction(smtp, rcpt, data):
    """MAIL, RCPT, DATA; returns ("acked", reply) or (the step that was refused, its reply)."""
    code, msg = smtp.mail(SENDER)
    if code != 250:
        return "mail", reply(code, msg)
    code, msg = smtp.rcpt(rcpt)
    if code != 250:
        smtp.rset()
        return "rcpt", reply(code, msg)
    code, msg = smtp.data(data)
    return ("acked" if code == 250 else "data"), reply(code, msg)


def record(results, **entry):
    results.write(json.dumps(entry) + "\n")
    results.flush()


def fill(a):
    """Sends messages one after another until MAIL is refused; every answer is recorded."""
    acked = 0
    refused = None
    with open(a.results, "a") as results, connect(a.port) as smtp:
        for i in range(MAX_FILL):
            token = "fill-%d-%s" % (i, secrets.token_hex(4))
            rcpt = "%s@%s" % (MAILBOXES[i % len(MAILBOXES)], DOMAIN)
            data, digest = message(token, rcpt, a.size)
            before = free(a.disk)
            if before < a.min_free + 4 * a.size:
                # Near the limit, one message per look Posthorn takes at the disk: MAIL is then decided on the
                # free space of now. (Faster, up to 100 ms of messages pass on a look just taken: the check
                # keeps room, it does not meter it; the end of DATA is the backstop, checked below.)
                time.sleep(SPACE_CACHE)
                before = free(a.disk)
            step, answer = transaction(smtp, rcpt, data)
            record(results, token=token, rcpt=rcpt, digest=digest, status=step, reply=answer, free=before)
            if step == "acked":
                acked += 1
                continue
            refused = (step, answer, free(a.disk))
            break
    log("fill: %d messages acknowledged, then %r" % (acked, refused))
    if refused is None:
        result("fill until MAIL is refused", False, "%d messages sent and still no refusal" % MAX_FILL)
        return
    step, answer, left = refused
    result("fill: %d messages of %d octets acknowledged, none refused before the disk filled" % (acked, a.size),
           step == "mail" and acked > 0, "message %d: %s refused: %s" % (acked, step, answer))
    result("MAIL gets 452 4.3.1 once free space (%d octets) is below min_free_disk (%d)" % (left, a.min_free),
           step == "mail" and answer.startswith("452 4.3.1 ") and a.min_free - 2 * a.size < left < a.min_free,
           "%s answered %r with %d octets free" % (step, answer, left))


def probe(a):
    """A new session: EHLO and NOOP answered, MAIL answered with the expected code (and 4.3.1 when 452)."""
    time.sleep(SPACE_CACHE)
    left = free(a.disk)
    try:
        with connect(a.port) as smtp:
            code, msg = smtp.noop()
            expect(code == 250, "NOOP: %s" % reply(code, msg))
            code, msg = smtp.mail(SENDER)
            answer = reply(code, msg)
            if a.expect_mail == 452:
                expect(answer.startswith("452 4.3.1 "), "MAIL with %d octets free: %s" % (left, answer))
                expect(left < a.min_free, "%d octets free, not below min_free_disk %d" % (left, a.min_free))
            else:
                expect(code == a.expect_mail, "MAIL with %d octets free: %s" % (left, answer))
            smtp.rset()
            code, msg = smtp.noop()
            expect(code == 250, "NOOP after MAIL: %s" % reply(code, msg))
        result("%s (EHLO, NOOP, MAIL %s with %d octets free)" % (a.name, answer[:9], left), True)
    except Exception as e:
        result(a.name, False, "%s: %s" % (type(e).__name__, e))


def spool_files(spool):
    names = set()
    for top, _, files in os.walk(spool):
        for f in files:
            names.add(os.path.relpath(os.path.join(top, f), spool))
    return names


def mid_data(a):
    """Room at MAIL, none left before the end of DATA: 452 4.3.1, no file left behind, the room given back."""
    time.sleep(SPACE_CACHE)
    before = free(a.disk)
    if before < a.min_free or before >= a.size:
        result("mid-DATA set-up", False, "%d octets free: not between min_free_disk %d and the message's %d"
               % (before, a.min_free, a.size))
        return
    files = spool_files(a.spool)
    token = "mid-data-%s" % secrets.token_hex(4)
    rcpt = "m0@" + DOMAIN
    data, _ = message(token, rcpt, a.size)
    with connect(a.port) as smtp:
        code, msg = smtp.mail(SENDER, ["SIZE=%d" % len(data)])
        answer = reply(code, msg)
        result("MAIL SIZE=%d with %d octets free gets 452 4.3.1" % (len(data), before),
               answer.startswith("452 4.3.1 "), answer)
        smtp.rset()
        started = time.monotonic()
        step, answer = transaction(smtp, rcpt, data)
        log("mid-DATA: %s %s after %.1f s" % (step, answer, time.monotonic() - started))
        result("a %d-octet message with %d octets free (MAIL accepted) gets 452 4.3.1 at the end of DATA"
               % (len(data), before), step == "data" and answer.startswith("452 4.3.1 "),
               "%s: %s" % (step, answer))
        left = spool_files(a.spool) - files
        result("no file left behind in the spool", not left, "new files: %s" % sorted(left)[:5])
        after = free(a.disk)
        result("the room is given back (%d octets free before, %d after)" % (before, after),
               after >= before - 64 * 1024, "%d octets free before, %d after" % (before, after))
        code, msg = smtp.noop()
        result("the session goes on after the 452 (NOOP)", code == 250, reply(code, msg))


def race(a):
    """count sessions pass MAIL and RCPT (room above min_free_disk), then all send DATA at once, more than fits:
    each gets 250 or 452 4.3.1 at the end of data, at least one 452, and the spool then holds no file but the
    acknowledged messages'."""
    time.sleep(SPACE_CACHE)
    before = free(a.disk)
    if before < a.min_free + a.size or before >= a.count * a.size:
        result("race set-up", False, "%d octets free: not between min_free_disk %d plus one message and all %d"
               % (before, a.min_free, a.count))
        return
    files = spool_files(a.spool)
    barrier = threading.Barrier(a.count, timeout=60)
    outcomes = [None] * a.count

    def session(n):
        token = "race-%d-%s" % (n, secrets.token_hex(4))
        rcpt = "%s@%s" % (MAILBOXES[n % len(MAILBOXES)], DOMAIN)
        data, digest = message(token, rcpt, a.size)
        step, answer = "connection", "no answer"
        try:
            with connect(a.port) as smtp:
                code, msg = smtp.mail(SENDER)
                step, answer = "mail", reply(code, msg)
                if code == 250:
                    code, msg = smtp.rcpt(rcpt)
                    step, answer = "rcpt", reply(code, msg)
                barrier.wait()
                if code == 250:
                    code, msg = smtp.data(data)
                    step, answer = ("acked" if code == 250 else "data"), reply(code, msg)
        except Exception as e:
            answer = "%s: %s" % (type(e).__name__, e)
        outcomes[n] = dict(token=token, rcpt=rcpt, digest=digest, status=step, reply=answer, free=before)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(a.count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(a.results, "a") as results:
        for o in outcomes:
            record(results, **o)
    acked = [o for o in outcomes if o["status"] == "acked"]
    full = [o for o in outcomes if o["status"] == "data" and o["reply"].startswith("452 4.3.1 ")]
    other = [o for o in outcomes if o not in acked and o not in full]
    log("race: %s" % [(o["status"], o["reply"][:40]) for o in outcomes])
    result("%d sessions send %d octets each at once into %d octets free: %d acknowledged, %d got 452 4.3.1"
           % (a.count, a.size, before, len(acked), len(full)), full and not other,
           "other answers: %s" % [(o["status"], o["reply"]) for o in other][:3])
    ids = set()
    for o in acked:
        found = re.search(r"queued as (\S+)", o["reply"])
        if found:
            ids.add(found.group(1))
    left = [f for f in spool_files(a.spool) - files
            if os.path.basename(f).removeprefix("spare.").split(".")[0] not in ids]
    result("no file left behind in the spool but the acknowledged messages' (%d)" % len(ids), not left,
           "other new files: %s" % sorted(left)[:5])


def send(a):
    """Sends count messages, each on its own session; all must be acknowledged."""
    acked = 0
    with open(a.results, "a") as results:
        for i in range(a.count):
            token = "%s-%d-%s" % (a.phase, i, secrets.token_hex(4))
            rcpt = "%s@%s" % (MAILBOXES[i % len(MAILBOXES)], DOMAIN)
            data, digest = message(token, rcpt, a.size)
            try:
                with connect(a.port) as smtp:
                    step, answer = transaction(smtp, rcpt, data)
            except Exception as e:
                step, answer = "connection", "%s: %s" % (type(e).__name__, e)
            record(results, token=token, rcpt=rcpt, digest=digest, status=step, reply=answer, free=None)
            acked += step == "acked"
            if step != "acked":
                log("%s: %s refused: %s" % (token, step, answer))
    result("%s: %d of %d messages acknowledged" % (a.phase, acked, a.count), acked == a.count,
           "%d refused" % (a.count - acked))


def delivered(maildir):
    """Every message in the Maildirs: token -> list of (mailbox, body digest)."""
    found = {}
    for mailbox in sorted(os.listdir(maildir)):
        new = os.path.join(maildir, mailbox, "new")
        if not os.path.isdir(new):
            continue
        for name in os.listdir(new):
            with open(os.path.join(new, name), "rb") as f:
                text = f.read()
            head, _, body = text.partition(b"\n\n")
            token = None
            for line in head.split(b"\n"):
                if line.startswith(b"X-Disk-Token: "):
                    token = line[len(b"X-Disk-Token: "):].decode("ascii", "replace")
            found.setdefault(token, []).append((mailbox, hashlib.sha256(body).hexdigest()))
    return found


def check(a):
    entries = [json.loads(line) for line in open(a.results)]
    acked = [e for e in entries if e["status"] == "acked"]
    found = delivered(a.maildir)
    missing, damaged, twice = [], [], []
    for e in acked:
        copies = found.get(e["token"], [])
        mailbox = e["rcpt"].split("@")[0]
        if not copies:
            missing.append(e["token"])
        elif len(copies) > 1:
            twice.append(e["token"])
        elif copies[0] != (mailbox, e["digest"]):
            damaged.append(e["token"])
    result("every acknowledged message (%d) is in its Maildir" % len(acked), not missing,
           "%d missing, e.g. %s" % (len(missing), missing[:3]))
    result("each exactly once", not twice, "%d twice, e.g. %s" % (len(twice), twice[:3]))
    result("each intact (body digest as sent)", not damaged, "%d damaged, e.g. %s" % (len(damaged), damaged[:3]))
    unacked = set(found) - {e["token"] for e in acked}
    result("nothing delivered that was not acknowledged", not unacked, "%s" % sorted(map(str, unacked))[:3])
    partial = []
    for mailbox in os.listdir(a.maildir):
        tmp = os.path.join(a.maildir, mailbox, "tmp")
        if os.path.isdir(tmp):
            partial += [os.path.join(mailbox, "tmp", n) for n in os.listdir(tmp)]
    result("no partial file in any Maildir's tmp/", not partial, "%s" % partial[:3])
    corrupt = os.listdir(os.path.join(a.spool, "corrupt"))
    result("spool/corrupt/ is empty", not corrupt, "%s" % corrupt[:3])
    print("result: %d acknowledged, %d delivered, %d missing, %d damaged, %d twice"
          % (len(acked), sum(len(v) for v in found.values()), len(missing), len(damaged), len(twice)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["fill", "probe", "mid-data", "race", "send", "check"])
    p.add_argument("--port", type=int)
    p.add_argument("--disk")
    p.add_argument("--min-free", type=int)
    p.add_argument("--size", type=int)
    p.add_argument("--results")
    p.add_argument("--expect-mail", type=int)
    p.add_argument("--name")
    p.add_argument("--spool")
    p.add_argument("--maildir")
    p.add_argument("--count", type=int)
    p.add_argument("--phase")
    a = p.parse_args()
    {"fill": fill, "probe": probe, "mid-data": mid_data, "race": race, "send": send,
     "check": check}[a.command](a)


if __name__ == "__main__":
    main()
