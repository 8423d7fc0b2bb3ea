"""A small SMTP server for fault tests: it keeps what it accepts (by Message-ID), or refuses with
a passing error (421), or hangs before its greeting, as the test switches it."""

from __future__ import annotations

import socketserver
import threading
import time
from email import message_from_bytes


class _Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        sink: SMTPSink = self.server.sink  # type: ignore[attr-defined]
        sink.connections += 1
        if sink.mode == "hang":
            sink.hung.set()
            while sink.mode == "hang" and not sink.closing:
                time.sleep(0.05)
            return
        if sink.mode == "down":
            self._say("421 4.3.2 Service not available, try again later")
            return
        self._say("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._say("250 sink")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self._say("250 OK")
            elif command == "DATA":
                self._say("354 go ahead")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                message = message_from_bytes(data)
                with sink.lock:
                    sink.received.append(message["Message-ID"])
                self._say("250 queued")
            elif command == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("500 what?")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SMTPSink:
    def __init__(self) -> None:
        self.mode = "ok"  # "ok", "down" (421 at once) or "hang" (no greeting)
        self.received: list[str] = []
        self.connections = 0
        self.closing = False
        self.hung = threading.Event()
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SMTPSink:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing = True
        self._server.shutdown()
        self._server.server_close()
