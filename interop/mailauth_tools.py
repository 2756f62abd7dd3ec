"""What interop/dkim-client.py and interop/arc-client.py share: key records from a zone file for dkimpy's lookups
(no DNS query leaves the process), and the first message delivered into a Maildir."""
import os
import re
import time


def read_records(path):
    """name -> TXT text (strings joined) from zone-file lines: NAME IN TXT "..." "..."."""
    records = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            m = re.match(r'^(\S+)\s+(?:IN\s+)?TXT\s+(.*)$', line.strip())
            if m:
                records[m.group(1).rstrip(".").lower()] = "".join(re.findall(r'"([^"]*)"', m.group(2)))
    return records


def dnsfunc_for(records):
    """A dnsfunc for dkimpy that answers from records and nothing else."""
    def dnsfunc(name, timeout=5):
        key = (name.decode("ascii") if isinstance(name, bytes) else name).rstrip(".").lower()
        text = records.get(key)
        return text.encode("ascii") if text is not None else None
    return dnsfunc


def delivered(maildir, mailbox, timeout):
    """The first message in maildir/mailbox/new, with CRLF line ends, waiting up to timeout seconds."""
    folder = os.path.join(maildir, mailbox, "new")
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = os.listdir(folder) if os.path.isdir(folder) else []
        if files:
            with open(os.path.join(folder, files[0]), "rb") as f:
                return f.read().replace(b"\n", b"\r\n")
        time.sleep(0.1)
    raise AssertionError("nothing in %s after %ss" % (folder, timeout))
