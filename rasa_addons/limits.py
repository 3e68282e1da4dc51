"""Input limits of every channel, as plain functions (used by rasa_addons.channels, .facebook and .telegram).

- **Message length** (``MAX_MESSAGE_CHARS``, default 2,000 characters): a longer message is answered with a
  German notice on the channel it came from and never reaches NLU or the dialogue (Rasa needed about two
  minutes of CPU for 100,000 characters, and every other conversation waited meanwhile).
- **Request body size** (``MAX_REQUEST_BYTES``, default 256 KiB): a larger body is refused with 413 and a JSON
  error before it is parsed. 256 KiB leaves room for a 2,000-character message in any encoding (JSON escapes
  make one character up to 12 bytes) and lets a pasted 100,000-character text still get the German notice.
- **REST body shape**: an object with a non-empty string ``sender``, a string ``message`` and optional object
  ``metadata``; anything else is 400 with a JSON error. There is no shared "default" conversation: Rasa would
  put every request without a sender into one.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, Sanic

from rasa_addons import texts

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 2000
DEFAULT_MAX_REQUEST_BYTES = 256 * 1024


class MalformedRequest(ValueError):
    """A REST request body the channel cannot read; ``code`` is the JSON error code (HTTP 400)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return texts.MALFORMED_REQUEST[self.code]


@dataclass(frozen=True)
class Limits:
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> Limits:
        """``max_message_chars`` / ``max_request_bytes`` of a channel's credentials.yml entry (defaults if unset)."""
        credentials = credentials or {}
        return cls(
            int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS),
            int(credentials.get("max_request_bytes") or DEFAULT_MAX_REQUEST_BYTES),
        )

    def body_too_large(self, body: bytes | None) -> bool:
        return len(body or b"") > self.max_request_bytes

    def message_too_long(self, text: Any) -> bool:
        return isinstance(text, str) and len(text) > self.max_message_chars


def too_large_error(limits: Limits) -> dict[str, Any]:
    """The JSON body of a 413 answer."""
    return {"error": "request_too_large", "message": texts.request_too_large(limits.max_request_bytes),
            "max_bytes": limits.max_request_bytes}


def malformed_error(exc: MalformedRequest) -> dict[str, str]:
    """The JSON body of a 400 answer."""
    return {"error": exc.code, "message": exc.message}


@dataclass(frozen=True)
class RestRequest:
    sender: str
    message: str
    metadata: dict[str, Any] | None


def parse_rest_body(body: bytes | None) -> RestRequest:
    """The REST channel's request, checked: ``MalformedRequest`` for anything Rasa would answer with 500 or put
    into the shared "default" conversation."""
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        raise MalformedRequest("invalid_json") from None
    if not isinstance(data, dict):
        raise MalformedRequest("invalid_body")
    sender = data.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise MalformedRequest("invalid_sender")
    message = data.get("message")
    if not isinstance(message, str):
        raise MalformedRequest("invalid_message")
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise MalformedRequest("invalid_metadata")
    return RestRequest(sender, message, metadata)


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def guard_messages(on_new_message: OnNewMessage, limits: Limits, channel: str) -> OnNewMessage:
    """``on_new_message`` (Rasa's handler: NLU, dialogue, actions) for messages within the length limit only.

    A longer message gets the German notice through the message's own output channel (REST collector,
    socket.io room, Messenger, Telegram) and is not handed to Rasa: no NLU, no tracker event.
    """

    async def handle(message: UserMessage) -> Any:
        if limits.message_too_long(message.text):
            logger.warning("%s: message of %d characters refused (limit %d), conversation %s", channel,
                           len(message.text), limits.max_message_chars, message.sender_id)
            await message.output_channel.send_text_message(
                message.sender_id, texts.message_too_long(limits.max_message_chars))
            return None
        return await on_new_message(message)

    return handle


#: the largest body Sanic reads at all, as a multiple of max_request_bytes (Sanic's own default is 100 MB);
#: up to it the channels answer with their own JSON error, above it Sanic answers 413 itself
SANIC_CEILING_FACTOR = 4


def limit_request_size(bp: Blueprint, limits: Limits) -> None:
    """Lower the server's ``REQUEST_MAX_SIZE`` so no request body beyond a few times the limit is read."""

    @bp.listener("before_server_start")
    async def lower_request_max_size(app: Sanic, _: Any) -> None:
        ceiling = SANIC_CEILING_FACTOR * limits.max_request_bytes
        if app.config.REQUEST_MAX_SIZE > ceiling:
            app.config.REQUEST_MAX_SIZE = ceiling
