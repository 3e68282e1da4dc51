"""Local stand-ins for the platform APIs the channels call: Meta's Graph API and Telegram's Bot API.

Each is a small threaded ``http.server`` on 127.0.0.1 that records every request (method, path, query,
parsed body) and answers like the real API does for the calls Rasa makes.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def _parse_body(content_type: str, raw: bytes) -> Any:
    if not raw:
        return None
    if content_type.startswith("application/json"):
        return json.loads(raw)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v[-1] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
    if content_type.startswith("multipart/form-data"):
        msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        return {part.get_param("name", header="content-disposition"): part.get_content()
                for part in msg.iter_parts()}
    return raw.decode(errors="replace")


class StandIn:
    """Base class: a recording HTTP server; subclasses implement ``answer(call) -> (status, json)``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.port: int | None = None

    # -- server -----------------------------------------------------------------------------------------
    def start(self, port: int = 0) -> StandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                call = Call(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    body=_parse_body(self.headers.get("Content-Type", ""), raw),
                    headers={k: v for k, v in self.headers.items()},
                )
                with stand_in.lock:
                    stand_in.calls.append(call)
                status, payload = stand_in.answer(call)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- recording --------------------------------------------------------------------------------------
    def snapshot(self) -> int:
        with self.lock:
            return len(self.calls)

    def since(self, mark: int) -> list[Call]:
        with self.lock:
            return list(self.calls[mark:])

    def answer(self, call: Call) -> tuple[int, Any]:  # pragma: no cover - overridden
        raise NotImplementedError


class GraphAPI(StandIn):
    """Meta's Graph API: ``POST /<version>/me/messages`` for messages and sender actions."""

    def __init__(self, version: str = "v21.0") -> None:
        super().__init__()
        self.version = version
        self._mid = 0

    @property
    def graph_url(self) -> str:
        return f"{self.base_url}/{self.version}"

    def answer(self, call: Call) -> tuple[int, Any]:
        if call.method == "POST" and call.path == f"/{self.version}/me/messages" and isinstance(call.body, dict):
            recipient = (call.body.get("recipient") or {}).get("id")
            if "sender_action" in call.body:
                return 200, {"recipient_id": recipient}
            self._mid += 1
            return 200, {"recipient_id": recipient, "message_id": f"m_test_{self._mid}"}
        return 400, {"error": {"message": "Unsupported request", "type": "GraphMethodException", "code": 100}}

    def messages(self, calls: list[Call], recipient: str | None = None) -> list[dict[str, Any]]:
        """The ``message`` objects sent (sender actions left out), optionally to one recipient."""
        return [
            c.body["message"] for c in calls
            if isinstance(c.body, dict) and "message" in c.body
            and (recipient is None or c.body["recipient"]["id"] == recipient)
        ]


class TelegramAPI(StandIn):
    """Telegram's Bot API: ``POST /bot<token>/<method>`` (aiogram sends form-encoded fields)."""

    def __init__(self, token: str, username: str) -> None:
        super().__init__()
        self.token = token
        self.username = username
        self._message_id = 100

    def method_of(self, call: Call) -> str | None:
        prefix = f"/bot{self.token}/"
        return call.path[len(prefix):] if call.path.startswith(prefix) else None

    def answer(self, call: Call) -> tuple[int, Any]:
        method = (self.method_of(call) or "").lower()
        if not method:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        body = call.body if isinstance(call.body, dict) else {}
        if method == "getme":
            return 200, {"ok": True, "result": {"id": int(self.token.split(":")[0]), "is_bot": True,
                                               "first_name": "Berater-Assistent", "username": self.username}}
        if method == "setwebhook":
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method == "answercallbackquery":
            return 200, {"ok": True, "result": True}
        if method == "sendmessage":
            self._message_id += 1
            chat_id = int(body.get("chat_id", 0))
            return 200, {"ok": True, "result": {
                "message_id": self._message_id, "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": int(self.token.split(":")[0]), "is_bot": True, "first_name": "Berater-Assistent"},
                "text": body.get("text", ""),
            }}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def calls_to(self, calls: list[Call], method: str) -> list[Call]:
        return [c for c in calls if (self.method_of(c) or "").lower() == method.lower()]

    def sent_messages(self, calls: list[Call], chat_id: int | None = None) -> list[dict[str, Any]]:
        """sendMessage fields with ``reply_markup`` decoded from its JSON string."""
        result = []
        for c in self.calls_to(calls, "sendMessage"):
            fields = dict(c.body)
            if chat_id is not None and int(fields.get("chat_id", 0)) != chat_id:
                continue
            if isinstance(fields.get("reply_markup"), str):
                fields["reply_markup"] = json.loads(fields["reply_markup"])
            result.append(fields)
        return result


class WhatsAppAPI(StandIn):
    """Meta's WhatsApp Cloud API: ``POST /<version>/<phone_number_id>/messages``; ``fail_next`` queues answers
    (e.g. 429, 503) given to the next sends instead of success."""

    def __init__(self, phone_number_id: str, version: str = "v21.0") -> None:
        super().__init__()
        self.version, self.phone_number_id = version, phone_number_id
        self.fail_next: list[int] = []
        self._n = 0

    def answer(self, call: Call) -> tuple[int, Any]:
        if call.method != "POST" or call.path != f"/{self.version}/{self.phone_number_id}/messages":
            return 400, {"error": {"message": "Unsupported request", "code": 100}}
        with self.lock:
            if self.fail_next:
                status = self.fail_next.pop(0)
                call.headers["x-answered"] = str(status)
                return status, {"error": {"message": "(#130429) Rate limit hit", "code": 130429}}
            self._n += 1
        to = call.body.get("to") if isinstance(call.body, dict) else None
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                     "messages": [{"id": f"wamid.OUT{self._n}"}]}

    def delivered(self, calls: list[Call], to: str | None = None) -> list[dict[str, Any]]:
        """Bodies of the sends that were accepted (answered 200), optionally to one number."""
        return [c.body for c in calls if isinstance(c.body, dict) and "x-answered" not in c.headers
                and c.path.endswith("/messages") and (to is None or c.body.get("to") == to)]
