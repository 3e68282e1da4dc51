"""The website's channels with input limits: Rasa's REST and socket.io channels plus rasa_addons.limits.

Same names, URLs and behaviour as Rasa's ``rest`` and ``socketio`` channels (``/webhooks/rest/webhook``,
``/socket.io``; the conversation's channel is still "rest" / "socketio"), and:

- REST: a body larger than ``max_request_bytes`` is 413, a body that is not ``{"sender": "<text>", "message":
  "<text>"}`` (optional ``metadata`` object) is 400, both with a JSON error; Rasa answered those with 500 or,
  without a sender, put the message into one conversation ("default") shared by everyone.
- socket.io: a packet larger than ``max_request_bytes`` is refused by Engine.IO (the connection is closed).
- both: a message longer than ``max_message_chars`` gets a German notice and is not processed.

credentials.yml (rendered by tooling/runtime_config.py from MAX_MESSAGE_CHARS / MAX_REQUEST_BYTES)::

    rasa_addons.channels.LimitedRestInput:
      max_message_chars: 2000
      max_request_bytes: 262144
    rasa_addons.channels.LimitedSocketIOInput:
      user_message_evt: user_uttered
      ...                        # Rasa's socketio options
      max_message_chars: 2000
      max_request_bytes: 262144
"""
from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request

from rasa_addons.limits import (
    Limits,
    MalformedRequest,
    OnNewMessage,
    guard_messages,
    limit_request_size,
    malformed_error,
    parse_rest_body,
    too_large_error,
)


class LimitedRestInput(RestInput):
    """Rasa's REST channel with body-size, body-shape and message-length checks."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Limits.from_credentials(credentials))

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()

    # the body was checked by the middleware: these read the parsed, valid request
    async def _extract_sender(self, req: Request) -> str:
        return req.ctx.rest_request.sender

    def _extract_message(self, req: Request) -> str:
        return req.ctx.rest_request.message

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return request.ctx.rest_request.metadata

    def _extract_input_channel(self, req: Request) -> str:
        data = req.json if isinstance(req.json, dict) else {}
        return data.get("input_channel") or self.name()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = super().blueprint(guard_messages(on_new_message, self.limits, self.name()))
        limit_request_size(bp, self.limits)

        @bp.middleware("request")
        async def check_body(request: Request) -> Any:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            if self.limits.body_too_large(request.body):
                return response.json(too_large_error(self.limits), status=413)
            try:
                request.ctx.rest_request = parse_rest_body(request.body)
            except MalformedRequest as exc:
                return response.json(malformed_error(exc), status=400)
            return None

        return bp


class LimitedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with packet-size and message-length limits."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.limits = Limits.from_credentials(credentials)
        return channel

    limits: Limits = Limits()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = super().blueprint(guard_messages(on_new_message, self.limits, self.name()))
        # Engine.IO refuses larger packets (HTTP long-polling: 413; WebSocket: the connection is closed)
        self.sio.eio.max_http_buffer_size = self.limits.max_request_bytes
        limit_request_size(bp, self.limits)
        return bp
