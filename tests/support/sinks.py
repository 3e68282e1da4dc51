"""Real servers on loopback that record what they receive: SMTP (aiosmtpd) and HTTP (a CRM webhook stand-in).

``SmtpSink`` keeps the raw envelopes (sender, recipients, bytes; optional AUTH) for the storage suite;
``Mailbox`` keeps parsed messages and waits for them, for the suites that run the whole assistant.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tooling.net import free_port, wait_for


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free loopback port that records what arrives."""

    def __init__(self, port: int | None = None, auth: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.auth = auth
        self.messages: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self._lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "data": envelope.original_content or envelope.content})
        return "250 OK"

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        kwargs: dict[str, Any] = {}
        if self.auth is not None:
            from aiosmtpd.smtp import AuthResult

            user, password = self.auth

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login.decode() == user and auth_data.password.decode() == password
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticator, auth_require_tls=False, auth_required=True)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def parsed(self) -> list[Any]:
        from email import message_from_bytes
        from email.policy import default

        return [message_from_bytes(m["data"], policy=default) for m in self.messages]


class Mailbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                from email import message_from_bytes
                from email.policy import default

                outer.messages.append(message_from_bytes(envelope.content, policy=default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def wait_for(self, predicate, timeout: float = 30.0) -> list:
        """The messages that match, once one has arrived (and 1.5 s more); empty after ``timeout`` seconds."""
        if not wait_for(lambda: any(predicate(m) for m in self.messages), timeout, interval=0.2):
            return []
        time.sleep(1.5)  # anything sent twice would arrive now
        return [m for m in self.messages if predicate(m)]


class WebhookSink:
    """A real HTTP server recording POSTed JSON bodies and headers; ``status`` sets the answer."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = sink.status
                if 200 <= status < 300:
                    sink.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "json": json.loads(body.decode("utf-8"))})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/crm/leads"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> WebhookSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
