"""Input limits of every channel, as plain functions (used by rasa_addons.channels, .facebook and .telegram).

- **Message length** (``MAX_MESSAGE_CHARS``, default 2,000 characters): a longer message is answered with a
  German notice on the channel it came from and never reaches NLU or the dialogue (Rasa needed about two
  minutes of CPU for 100,000 characters, and every other conversation waited meanwhile).
- **Request body size** (``MAX_REQUEST_BYTES``, default 256 KiB): a larger body is refused with 413 and a JSON
  error before it is parsed. 256 KiB leaves room for a 2,000-character message in any encoding (JSON escapes
  make one character up to 12 bytes) and lets a pasted 100,000-character text still get the German notice.
- **Rate limits** (``RATE_LIMIT_PER_CONVERSATION``, default 30 messages a minute, ``RATE_LIMIT_PER_IP``, default
  120 a minute; 0 switches one off): a token bucket per conversation (every channel) and per client address
  (REST, socket.io; Messenger and Telegram come from the platforms' servers), holding a quarter of a minute's
  messages (at least 5) at once. A message over the limit gets "bitte kurz warten" in German (once per bucket
  until it refills a message; further ones are dropped silently) and is not processed. The buckets live in the
  Rasa process: with several replicas a client may get up to that many times the limit.
- **REST body shape**: an object with a non-empty string ``sender``, a string ``message`` and optional object
  ``metadata``; anything else is 400 with a JSON error. There is no shared "default" conversation: Rasa would
  put every request without a sender into one.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, Sanic

from rasa_addons import resilience, texts
from rasa_addons.errors import TrackerStoreUnavailable

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


DEFAULT_RATE_PER_CONVERSATION = 30  # messages a minute
DEFAULT_RATE_PER_IP = 120


def _setting(credentials: dict[str, Any], key: str, default: int) -> int:
    value = credentials.get(key)
    return default if value is None or value == "" else int(value)


@dataclass(frozen=True)
class Limits:
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    rate_per_conversation: int = DEFAULT_RATE_PER_CONVERSATION
    rate_per_ip: int = DEFAULT_RATE_PER_IP

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> Limits:
        """The limits of a channel's credentials.yml entry (defaults if unset; a rate of 0 is off)."""
        credentials = credentials or {}
        return cls(
            int(credentials.get("max_message_chars") or DEFAULT_MAX_MESSAGE_CHARS),
            int(credentials.get("max_request_bytes") or DEFAULT_MAX_REQUEST_BYTES),
            _setting(credentials, "rate_per_conversation", DEFAULT_RATE_PER_CONVERSATION),
            _setting(credentials, "rate_per_ip", DEFAULT_RATE_PER_IP),
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


class RateLimiter:
    """Token buckets per key: ``per_minute`` messages a minute, up to a quarter of that (at least 5) at once.

    ``check(key)`` says whether a message may pass now: "ok", "notify" (refused; tell the client once) or
    "drop" (refused; the client was told). Buckets that are full again are forgotten, so memory stays bounded
    by the number of clients active in the last minute."""

    MAX_KEYS = 100_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(5.0, per_minute / 4)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float, bool]] = {}  # key -> (tokens, time, told)

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def check(self, key: str) -> str:
        if not self.enabled:
            return "ok"
        now = self.clock()
        tokens, then, told = self._buckets.get(key, (self.capacity, now, False))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now, False)
            self._forget_full(now)
            return "ok"
        self._buckets[key] = (tokens, now, True)
        return "drop" if told else "notify"

    def _forget_full(self, now: float) -> None:
        if len(self._buckets) <= self.MAX_KEYS:
            return
        refill = self.capacity / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < refill}


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
    """``on_new_message`` (Rasa's handler: NLU, dialogue, actions) for messages within the length limit and the
    conversation's rate limit only.

    A longer message gets the German notice through the message's own output channel (REST collector,
    socket.io room, Messenger, Telegram) and is not handed to Rasa: no NLU, no tracker event; so does the first
    message over the rate limit (later ones are dropped until the bucket refills).
    """
    per_conversation = RateLimiter(limits.rate_per_conversation)

    async def handle(message: UserMessage) -> Any:
        verdict = per_conversation.check(message.sender_id or "")
        if verdict != "ok":
            logger.warning("%s: conversation %s over its rate limit (%d a minute)", channel, message.sender_id,
                           limits.rate_per_conversation)
            if verdict == "notify":
                await message.output_channel.send_text_message(message.sender_id, texts.RATE_LIMITED)
            return None
        if limits.message_too_long(message.text):
            logger.warning("%s: message of %d characters refused (limit %d), conversation %s", channel,
                           len(message.text), limits.max_message_chars, message.sender_id)
            await message.output_channel.send_text_message(
                message.sender_id, texts.message_too_long(limits.max_message_chars))
            return None
        try:
            return await on_new_message(message)
        except TrackerStoreUnavailable:
            # the conversation could not be read or saved: say so, never continue on a tracker in memory
            await message.output_channel.send_text_message(message.sender_id, resilience.storage_apology())
            return None
        except Exception as exc:  # noqa: BLE001 - the prospect gets an answer, the log no message text
            logger.error("%s: handling a message of conversation %s failed: %s", channel, message.sender_id,
                         type(exc).__name__)
            logger.debug("the failure", exc_info=True)
            await message.output_channel.send_text_message(message.sender_id, resilience.apology())
            return None

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
