#!/usr/bin/env python3
"""A greylisting SMTP server for interop/queue-cli: answers every RCPT with 451 4.7.1 greylisted while the file
named by --accept-flag does not exist, and accepts (250) once it does. Each message it accepts is appended to
--received as one line "MAIL-FROM RCPT...". Listens on 127.0.0.1:--port, prints "ready" when listening.
Standard library only; every read is bounded and has a deadline."""
import argparse
import os
import socketserver

MAX_LINE = 4096


class Session(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, text):
        self.wfile.write((text + "\r\n").encode("ascii"))
        self.wfile.flush()

    def line(self):
        raw = self.rfile.readline(MAX_LINE)
        if not raw:
            return None
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    def handle(self):
        opts = self.server.opts
        self.reply("220 greylist.test ESMTP fake")
        sender, recipients = None, []
        while True:
            command = self.line()
            if command is None:
                return
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-greylist.test\r\n250 ENHANCEDSTATUSCODES")
            elif verb == "MAIL":
                sender, recipients = command[10:], []
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                if os.path.exists(opts.accept_flag):
                    recipients.append(command[8:])
                    self.reply("250 2.1.5 ok")
                else:
                    self.reply("451 4.7.1 greylisted")
            elif verb == "DATA":
                if not recipients:
                    self.reply("503 5.5.1 no valid recipients")
                    continue
                self.reply("354 go ahead")
                size = 0
                while True:
                    data = self.line()
                    if data is None:
                        return
                    size += len(data)
                    if data == "." or size > 10 * 1024 * 1024:
                        break
                with open(opts.received, "a", encoding="utf-8") as out:
                    out.write(sender + " " + " ".join(recipients) + "\n")
                self.reply("250 2.0.0 queued")
                sender, recipients = None, []
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 2.0.0 ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--accept-flag", required=True)
    parser.add_argument("--received", required=True)
    opts = parser.parse_args()
    with Server(("127.0.0.1", opts.port), Session) as server:
        server.opts = opts
        print("ready", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
