#!/usr/bin/env python3
"""Load generator and checker for interop/crash-test (Python 3, standard library only).

    crash-tools.py free-port
        Prints a TCP port on 127.0.0.1 that was free a moment ago.

    crash-tools.py load --port PORT [--hosts A,B,...] --results FILE [--messages N] [--connections C] [--per-connection K]
                        [--seed S] [--run-id ID] [--max-seconds T] [--reconnect-wait W] [--stop-file FILE]
                        [--started-file FILE]
        Sends N messages over C concurrent SMTP connections to 127.0.0.1:PORT (or to PORT on each of the --hosts
        addresses in turn, one connection after the other: several nodes sharing a queue), each to 1-3 random mailboxes of
        m0..m9@crash.test, each with a unique Message-ID and a unique token. A connection carries up to K
        messages, then QUITs. The daemon is killed and restarted under it: connecting is retried (every 0.1 s,
        for at most W seconds per message), and a transaction that fails before its terminating dot was handed
        to the kernel is retried on a new connection (the server cannot have the message). Once the dot has been
        sent, the outcome is final: "acked" (250, with the queue id of "250 2.0.0 Ok: queued as <id>") or
        "unacked" (no reply, a broken connection or a non-250 reply: the message may or may not be delivered).
        Messages still unsent after T seconds, or when FILE (--stop-file) appears, are "unsent". With
        --started-file FILE, creates FILE when the first message is acknowledged.
        Writes one JSON object per message to the results file and a summary line to stdout.

    crash-tools.py check --results FILE --maildir DIR --spool DIR --incarnations FILE --log FILE...
        Reads every Maildir DIR/m*/{new,cur}/ file and checks it against the results: every acknowledged message
        is in the Maildir of each of its recipients (no loss), every delivered file is intact (byte for byte what
        was sent, after the Return-Path, Delivered-To and Received headers the daemon puts in front) and in a
        mailbox it was sent to, the queue id in its Received header is the one the 250 named, and every duplicate
        (a second copy in the same mailbox) is explained by a kill: each copy comes from a different daemon
        process (the P<pid> of the Maildir file name) and every copy but the last from a process that was
        killed before it logged "removed" for that queue id. Reports spool/corrupt/ files. The incarnations file
        has one line per daemon process: "<number> <pid> <killed|stopped|...>". The logs are the daemons' stderr
        (the mail log lines "<id>: queued|delivered|removed" are used to explain losses and duplicates).
        Prints the figures, one "PASS name" or "FAIL name: reason" line per check, and exits 1 if a check failed.
"""

import argparse
import hashlib
import json
import os
import random
import re
import socket
import sys
import threading
import time
from collections import Counter, defaultdict

DOMAIN = "crash.test"
MAILBOXES = ["m%d" % i for i in range(10)]
SENDER = "loader@client.crash.test"
HELO = "client.crash.test"
QUEUED = re.compile(r"^250 .*queued as ([0-9A-Za-z]+)")
MARKER = b"X-Crash-Test: "          # the first header of every test message
RECEIVED_ID = re.compile(rb"^Received: .*?\bid ([0-9A-Za-z]+)", re.S | re.M)
MAILDIR_PID = re.compile(r"\.M\d+P(\d+)Q\d+\.")

# ------------------------------------------------------------------------------------------------------------------
# Messages


def compose(run_id, number, rng):
    """One test message: (message-id, token, recipients, CRLF bytes before dot-stuffing)."""
    token = "CRASH-%s-%05d-%08x" % (run_id, number, rng.getrandbits(32))
    message_id = "<crash-%s-%05d@crash.posthorn.test>" % (run_id, number)
    recipients = ["%s@%s" % (m, DOMAIN) for m in sorted(rng.sample(MAILBOXES, rng.randint(1, 3)))]
    lines = [
        "X-Crash-Test: " + token,
        "From: Crash Loader <%s>" % SENDER,
        "To: " + ", ".join(recipients),
        "Subject: crash test message %d" % number,
        "Message-ID: " + message_id,
        "Date: Mon, 23 Nov 2026 10:00:00 +0000",
        "",
        "token: " + token,
        ".a line that needs dot-stuffing",
    ]
    # Some bodies are a few hundred octets, some tens of kilobytes, so kills land in every phase.
    filler = rng.choice([0, 2, 10, 50, 400])
    for k in range(filler):
        lines.append("%s filler %05d %s" % (token, k, "abcdefghijklmnopqrstuvwxyz0123456789"))
    lines.append("end of " + token)
    data = ("\r\n".join(lines) + "\r\n").encode("ascii")
    return message_id, token, recipients, data


def dot_stuff(data):
    stuffed = data.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    return stuffed + b".\r\n"


def as_stored(data):
    """The message as the Maildir keeps it: LF line ends."""
    return data.replace(b"\r\n", b"\n")


# ------------------------------------------------------------------------------------------------------------------
# A minimal SMTP client that knows where a transaction failed


class BeforeDot(Exception):
    """The transaction failed before the terminating dot was sent: the server cannot have the message."""


class AfterDot(Exception):
    """The dot was sent but no 250 came back: the message may or may not have been queued."""


class Connection:
    def __init__(self, address, timeout):
        self.sock = socket.create_connection(address, timeout=2)
        self.sock.settimeout(timeout)
        self.buffer = b""
        self.count = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def reply(self):
        """One (possibly multi-line) reply: (code, last line). Raises OSError/EOFError on a broken connection."""
        lines = []
        while True:
            while b"\r\n" not in self.buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise EOFError("connection closed by the server")
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            text = line.decode("utf-8", "replace")
            lines.append(text)
            if len(text) < 4 or text[3] != "-":
                try:
                    return int(text[:3]), text
                except ValueError:
                    raise EOFError("malformed reply %r" % text)

    def command(self, text, expect):
        self.sock.sendall(text.encode("ascii") + b"\r\n")
        code, line = self.reply()
        if code != expect:
            raise BeforeDot("%s: %s" % (text.split(":")[0], line))
        return line

    def greet(self):
        code, line = self.reply()
        if code != 220:
            raise BeforeDot("greeting: " + line)
        self.command("EHLO " + HELO, 250)

    def send(self, recipients, data):
        """One transaction. Returns the queue id; raises BeforeDot or AfterDot."""
        try:
            self.command("MAIL FROM:<%s>" % SENDER, 250)
            for recipient in recipients:
                self.command("RCPT TO:<%s>" % recipient, 250)
            self.command("DATA", 354)
            payload = dot_stuff(data)
        except (OSError, EOFError) as e:
            raise BeforeDot(describe(e))
        try:
            # sendall either hands every octet (the dot last) to the kernel or raises: if it raises, the server
            # never saw the end of the data.
            self.sock.sendall(payload)
        except OSError as e:
            raise BeforeDot("sending data: " + describe(e))
        try:
            code, line = self.reply()
        except (OSError, EOFError) as e:
            raise AfterDot("no reply to the end of data: " + describe(e))
        match = QUEUED.match(line)
        if code != 250 or not match:
            raise AfterDot("end of data: " + line)
        self.count += 1
        return match.group(1)


def describe(error):
    if isinstance(error, socket.timeout):
        return "timeout"
    return "%s: %s" % (type(error).__name__, error)


# ------------------------------------------------------------------------------------------------------------------
# load


def load(args):
    rng = random.Random(args.seed)
    run_id = args.run_id or "%x" % rng.getrandbits(24)
    messages = []
    for number in range(args.messages):
        message_id, token, recipients, data = compose(run_id, number, rng)
        messages.append({
            "number": number, "message_id": message_id, "token": token, "recipients": recipients,
            "sha256": hashlib.sha256(as_stored(data)).hexdigest(), "data": data,
            "status": "unsent", "queue_id": None, "reason": "", "tries": 0, "sent_at": None, "replied_at": None,
        })
    pending = list(reversed(messages))
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + args.max_seconds
    stats = Counter()

    def stop_now():
        return time.monotonic() > deadline or (args.stop_file and os.path.exists(args.stop_file))

    def take():
        with lock:
            return pending.pop() if pending else None

    hosts = args.hosts.split(",") if args.hosts else ["127.0.0.1"]
    turn = [0]

    def address():
        """The next host in turn (several nodes: each new connection goes to the next one)."""
        with lock:
            turn[0] += 1
            return (hosts[turn[0] % len(hosts)], args.port)

    def connect():
        """A greeted connection, retrying while the daemon is down; None when the wait is over."""
        give_up = time.monotonic() + args.reconnect_wait
        while not stop_now():
            connection = None
            try:
                connection = Connection(address(), args.reply_timeout)
                connection.greet()
                return connection
            except (OSError, EOFError, BeforeDot) as e:
                if connection:
                    connection.close()
                with lock:
                    stats["connect failures"] += 1
                if time.monotonic() > give_up:
                    return None
                time.sleep(0.1)
        return None

    def worker():
        connection = None
        while True:
            message = take()
            if message is None:
                break
            while True:
                if stop_now():
                    message["reason"] = message["reason"] or "load stopped before it was sent"
                    break
                if connection is None:
                    connection = connect()
                    if connection is None:
                        message["reason"] = "no connection within %s s" % args.reconnect_wait
                        break
                message["tries"] += 1
                try:
                    message["sent_at"] = time.time()
                    message["queue_id"] = connection.send(message["recipients"], message["data"])
                    message["status"] = "acked"
                    message["replied_at"] = time.time()
                    message["reason"] = ""
                    if args.started_file and not stats["acked"]:
                        open(args.started_file, "a").close()
                    with lock:
                        stats["acked"] += 1
                    break
                except BeforeDot as e:
                    message["reason"] = "retried after: %s" % e
                    message["sent_at"] = None
                    with lock:
                        stats["transactions retried"] += 1
                    connection.close()
                    connection = None
                    if message["tries"] >= args.max_tries:
                        message["reason"] = "gave up after %d tries; last: %s" % (message["tries"], e)
                        break
                except AfterDot as e:
                    message["status"] = "unacked"
                    message["reason"] = str(e)
                    message["replied_at"] = time.time()
                    connection.close()
                    connection = None
                    break
            if connection is not None and connection.count >= args.per_connection:
                try:
                    connection.command("QUIT", 221)
                except (OSError, EOFError, BeforeDot):
                    pass
                connection.close()
                connection = None
        if connection is not None:
            try:
                connection.command("QUIT", 221)
            except (OSError, EOFError, BeforeDot):
                pass
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    with open(args.results, "w") as out:
        for message in messages:
            record = dict(message)
            del record["data"]
            out.write(json.dumps(record) + "\n")
    status = Counter(m["status"] for m in messages)
    print("load: %d messages in %.1f s: %d acked, %d unacked, %d unsent; %d connect failures, %d transactions "
          "retried" % (len(messages), elapsed, status["acked"], status["unacked"], status["unsent"],
                       stats["connect failures"], stats["transactions retried"]))
    return 0


# ------------------------------------------------------------------------------------------------------------------
# check


class Checks:
    def __init__(self):
        self.failed = 0

    def report(self, name, problems, detail=""):
        if problems:
            self.failed += 1
            print("FAIL %s: %s" % (name, problems))
        else:
            print("PASS %s%s" % (name, " (%s)" % detail if detail else ""))


def read_logs(paths):
    """Mail-log lines per queue id: {id: [(log file, line)]}."""
    events = defaultdict(list)
    line_id = re.compile(r" mail: ([0-9A-Za-z]+): ")
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    match = line_id.search(line)
                    if match:
                        events[match.group(1)].append((os.path.basename(path), line.rstrip("\n")))
        except FileNotFoundError:
            pass
    return events


def check(args):
    with open(args.results) as f:
        messages = [json.loads(line) for line in f]
    by_token = {m["token"]: m for m in messages}
    incarnations = {}
    with open(args.incarnations) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3:
                if fields[1] in incarnations:
                    print("warning: pid %s was used by two daemon processes; duplicates may be misjudged"
                          % fields[1])
                incarnations[fields[1]] = (int(fields[0]), fields[2])
    events = read_logs(args.log)

    # Every delivered file: which message, which mailbox, intact or not.
    copies = defaultdict(list)        # (token, mailbox) -> [(file name, pid, received id)]
    damaged, strays, unknown = [], [], []
    files = 0
    for mailbox in sorted(os.listdir(args.maildir)) if os.path.isdir(args.maildir) else []:
        for sub in ("new", "cur"):
            folder = os.path.join(args.maildir, mailbox, sub)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                files += 1
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    content = f.read()
                at = content.find(b"\n" + MARKER)
                if at < 0:
                    unknown.append("%s/%s/%s: no %s header" % (mailbox, sub, name, MARKER.decode().strip()))
                    continue
                body = content[at + 1:]
                token = body[len(MARKER):body.index(b"\n")].decode("ascii", "replace")
                message = by_token.get(token)
                if message is None:
                    unknown.append("%s/%s/%s: token %s was not sent by this run" % (mailbox, sub, name, token))
                    continue
                head = content[:at + 1]
                expected_head = b"Return-Path: <%s>\nDelivered-To: %s@%s\n" % (
                    SENDER.encode(), mailbox.encode(), DOMAIN.encode())
                if hashlib.sha256(body).hexdigest() != message["sha256"] or not head.startswith(expected_head):
                    damaged.append("%s/%s/%s (%s, %d octets)" % (mailbox, sub, name, message["message_id"],
                                                                  len(content)))
                if "%s@%s" % (mailbox, DOMAIN) not in message["recipients"]:
                    strays.append("%s in %s" % (message["message_id"], mailbox))
                received = RECEIVED_ID.search(head)
                pid = MAILDIR_PID.search(name)
                copies[(token, mailbox)].append((name, pid.group(1) if pid else "?",
                                                 received.group(1).decode() if received else None))

    acked = [m for m in messages if m["status"] == "acked"]
    unacked = [m for m in messages if m["status"] == "unacked"]
    unsent = [m for m in messages if m["status"] == "unsent"]

    # Loss: an acknowledged message missing from a recipient's Maildir.
    lost = []
    for m in acked:
        missing = [r for r in m["recipients"] if (m["token"], r.split("@")[0]) not in copies]
        if missing:
            lost.append((m, missing))

    # Queue ids: the Received header of every copy of an acknowledged message names the id of the 250.
    wrong_ids = []
    for m in acked:
        for r in m["recipients"]:
            for name, pid, received in copies.get((m["token"], r.split("@")[0]), []):
                if received != m["queue_id"]:
                    wrong_ids.append("%s in %s: Received id %s, 250 said %s" % (m["message_id"], r, received,
                                                                              m["queue_id"]))

    # Unsent messages must never arrive: the server never saw their end of data.
    unsent_delivered = sorted({by_token[t]["message_id"] for (t, _) in copies if by_token[t]["status"] == "unsent"})

    # Delivered although not acknowledged (the kill came between the commit and the reply): fine.
    unacked_delivered = [m for m in unacked if any((m["token"], r.split("@")[0]) in copies for r in m["recipients"])]
    unacked_partly = [m for m in unacked_delivered
                      if not all((m["token"], r.split("@")[0]) in copies for r in m["recipients"])]

    # Duplicates and whether each is explained by a kill.
    duplicates = 0
    duplicated_pairs = []
    unexplained = []
    for (token, mailbox), found in sorted(copies.items()):
        if len(found) < 2:
            continue
        duplicates += len(found) - 1
        m = by_token[token]
        duplicated_pairs.append((m, mailbox, found))
        order = sorted(found, key=lambda c: incarnations.get(c[1], (10 ** 9, "?"))[0])
        pids = [c[1] for c in order]
        problem = None
        if len(set(pids)) != len(pids):
            problem = "two copies from the same daemon process %s" % pids
        else:
            queue_id = order[0][2]
            for name, pid, received in order[:-1]:
                number, ended = incarnations.get(pid, (None, "unknown"))
                if ended != "killed":
                    problem = "copy %s from daemon %s (pid %s), which was %s, not killed" % (name, number, pid, ended)
                    break
                removed = [line for (log, line) in events.get(queue_id, [])
                           if log == "daemon-%d.err" % number and line.endswith(": removed")]
                if removed:
                    problem = "daemon %d logged 'removed' for %s before it was killed, yet it was delivered again" \
                              % (number, queue_id)
                    break
        if problem:
            unexplained.append("%s in %s (%d copies): %s" % (m["message_id"], mailbox, len(found), problem))

    # The mail log: an acknowledged message is logged "queued" before its 250, and "removed" once delivered
    # (unless a kill came between the removal and the log line).
    no_queued = [m for m in acked if not any(": queued " in line for _, line in events.get(m["queue_id"], []))]
    no_removed = [m for m in acked if not any(line.endswith(": removed") for _, line in events.get(m["queue_id"], []))]

    # Files a kill left in Maildir tmp/ folders (torn writes, or links not yet removed): never seen by readers.
    maildir_tmp = sum(len(os.listdir(os.path.join(args.maildir, mb, "tmp"))) for mb in os.listdir(args.maildir)
                      if os.path.isdir(os.path.join(args.maildir, mb, "tmp")))

    # The spool after the run.
    corrupt_dir = os.path.join(args.spool, "corrupt")
    corrupt = sorted(os.listdir(corrupt_dir)) if os.path.isdir(corrupt_dir) else []

    # Figures.
    mailbox_count = Counter(mb for (_, mb), found in copies.items() for _ in found)
    print("figures: %d messages: %d acknowledged (250), %d not acknowledged, %d never sent"
          % (len(messages), len(acked), len(unacked), len(unsent)))
    print("figures: %d recipient copies expected for acknowledged messages; %d Maildir files in all (%s)"
          % (sum(len(m["recipients"]) for m in acked), files,
             " ".join("%s=%d" % (mb, mailbox_count[mb]) for mb in MAILBOXES)))
    print("figures: lost %d, duplicates %d (in %d mailbox/message pairs), delivered but unacknowledged %d "
          "(%d only to some recipients), not delivered and unacknowledged %d"
          % (len(lost), duplicates, len(duplicated_pairs), len(unacked_delivered), len(unacked_partly),
             len(unacked) - len(unacked_delivered)))
    print("figures: %d files left in Maildir tmp/ folders by kills (ignored by Maildir readers)" % maildir_tmp)
    print("figures: mail log: %d acknowledged messages without a 'queued' line, %d without a 'removed' line%s"
          % (len(no_queued), len(no_removed),
             " (e.g. %s)" % " ".join(m["queue_id"] for m in (no_queued + no_removed)[:5]) if no_queued or no_removed
             else ""))
    reasons = Counter(re.sub(r"[0-9A-Z]{18}", "<id>", m["reason"])[:70] for m in unacked)
    for reason, count in reasons.most_common(5):
        print("figures: unacknowledged because %r: %d" % (reason, count))
    for m, mailbox, found in duplicated_pairs[:10]:
        print("duplicate: %s (queue id %s, %s) in %s: %s" % (
            m["message_id"], found[0][2], m["status"], mailbox,
            ", ".join("%s from pid %s (daemon %s)" % (name, pid, incarnations.get(pid, ("?",))[0])
                      for name, pid, _ in found)))
    for m, missing in lost[:20]:
        print("LOST: %s token %s queue id %s, acknowledged at %s, missing in %s (recipients %s)" % (
            m["message_id"], m["token"], m["queue_id"], time.strftime("%H:%M:%S", time.gmtime(m["replied_at"])),
            ", ".join(missing), ", ".join(m["recipients"])))
        for log, line in events.get(m["queue_id"], []) or [("-", "no mail-log line names %s" % m["queue_id"])]:
            print("    %s: %s" % (log, line))
        in_queue = os.path.exists(os.path.join(args.spool, "queue", m["queue_id"]))
        print("    spool queue/%s %s" % (m["queue_id"], "exists" if in_queue else "does not exist"))
    for name in corrupt[:20]:
        print("corrupt: spool/corrupt/%s" % name)
    for item in (damaged + unknown + strays + wrong_ids + unexplained)[:20]:
        print("problem: " + item)

    checks = Checks()
    checks.report("messages sent", "%d never reached the end of data: %s" % (
        len(unsent), unsent[0]["reason"]) if unsent else "", "%d of %d" % (len(messages) - len(unsent), len(messages)))
    checks.report("some acknowledged", "" if acked else "no message got a 250", "%d" % len(acked))
    checks.report("no loss", "%d acknowledged messages missing in a recipient's Maildir, e.g. %s (queue id %s)" % (
        len(lost), lost[0][0]["message_id"], lost[0][0]["queue_id"]) if lost else "",
        "%d acknowledged messages in every recipient's Maildir" % len(acked))
    checks.report("intact copies", "%d damaged, %d unknown files, e.g. %s" % (
        len(damaged), len(unknown), (damaged + unknown)[0]) if damaged or unknown else "",
        "%d files byte for byte as sent" % files)
    checks.report("right mailboxes", "%d copies in mailboxes that were not recipients, e.g. %s" % (
        len(strays), strays[0]) if strays else "")
    checks.report("queue ids", "%d copies whose Received id differs from the 250's, e.g. %s" % (
        len(wrong_ids), wrong_ids[0]) if wrong_ids else "")
    checks.report("unsent not delivered", "%d messages delivered whose end of data was never sent, e.g. %s" % (
        len(unsent_delivered), unsent_delivered[0]) if unsent_delivered else "")
    checks.report("duplicates explained", "%d duplicates not explained by a kill, e.g. %s" % (
        len(unexplained), unexplained[0]) if unexplained else "",
        "%d duplicates, each from a delivery in flight at a kill" % duplicates)
    checks.report("no corrupt spool files", "%d files in spool/corrupt/: %s" % (
        len(corrupt), " ".join(corrupt[:5])) if corrupt else "")
    print("result: sent %d, acknowledged %d, not acknowledged %d, lost %d, duplicates %d, delivered but "
          "unacknowledged %d, corrupt spool files %d" % (len(messages) - len(unsent), len(acked), len(unacked),
                                                          len(lost), duplicates, len(unacked_delivered), len(corrupt)))
    return 1 if checks.failed else 0


# ------------------------------------------------------------------------------------------------------------------


def free_port(_args):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("free-port").set_defaults(run=free_port)
    p = sub.add_parser("load")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--hosts", default=None)
    p.add_argument("--results", required=True)
    p.add_argument("--messages", type=int, default=3000)
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--per-connection", type=int, default=5)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--run-id", default=None)
    p.add_argument("--max-seconds", type=float, default=120)
    p.add_argument("--reconnect-wait", type=float, default=30)
    p.add_argument("--reply-timeout", type=float, default=20)
    p.add_argument("--max-tries", type=int, default=20)
    p.add_argument("--stop-file", default=None)
    p.add_argument("--started-file", default=None)
    p.set_defaults(run=load)
    p = sub.add_parser("check")
    p.add_argument("--results", required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--spool", required=True)
    p.add_argument("--incarnations", required=True)
    p.add_argument("--log", nargs="*", default=[])
    p.set_defaults(run=check)
    args = parser.parse_args()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
