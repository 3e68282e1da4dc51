"""WhatsApp Business Cloud API channel (Rasa 3.6 has only Twilio's WhatsApp channel).

- ``GET /webhooks/whatsapp/webhook``: Meta's verification (``hub.mode=subscribe``, ``hub.verify_token``,
  ``hub.challenge`` echoed as text; 403 otherwise).
- ``POST /webhooks/whatsapp/webhook``: ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the app secret,
  constant-time) checked before anything is parsed; 403 when missing or wrong. A signed call always gets 200.
- Incoming ``entry[].changes[].value.messages[]``: text; interactive ``button_reply`` / ``list_reply`` (their id is
  the Rasa button payload); media, location, stickers, contacts get a German "bitte als Text" and never reach the
  dialogue; reactions, ``statuses`` and unknown kinds are ignored. Each ``wamid`` is handled once (bounded
  in-memory memory of the last ``DEDUP_SIZE`` ids, per Rasa process).
- Privacy: the sender's ``wa_id`` is a phone number; the conversation id is ``wa-`` + HMAC-SHA256 pseudonym
  (key derived from SESSION_SECRET). The number lives only in the output channel of the running request.
- Outgoing ``POST {api}/{version}/{phone_number_id}/messages``: text split below 4,096 characters; up to 3
  buttons with titles <= 20 characters as reply buttons, otherwise a list (<= 10 rows). 429/5xx retried with
  backoff, in order; a final failure is logged without message text.
- Customer-service window: no free-form message more than 24 h after the prospect's last one
  (``window_decision``); then the configured template (WHATSAPP_TEMPLATE) or nothing (logged).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons import texts
from rasa_addons.limits import Limits, guard_messages, limit_request_size, too_large_error

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
CONVERSATION_PREFIX = "wa-"
MAX_TEXT = 4000  # the platform's limit is 4,096
MAX_BODY = 1024  # body of an interactive message
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ID = 200
WINDOW_SECONDS = 24 * 3600
DEDUP_SIZE = 10_000
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)
MEDIA_KINDS = {"image", "audio", "video", "document", "location", "sticker", "contacts", "voice"}


# -- pure functions ------------------------------------------------------------------------------------------
def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature-256: sha256=<hex>`` of the raw body, compared in constant time."""
    if not app_secret or not header:
        return False
    prefix, _, digest = str(header).strip().partition("=")
    if prefix.lower() != "sha256" or not digest:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), digest.strip().lower().encode())


def pseudonym(key: str, wa_id: str) -> str:
    """The conversation id of a WhatsApp number: never the number itself."""
    digest = hmac.new(key.encode(), b"whatsapp:" + wa_id.encode(), hashlib.sha256).hexdigest()
    return CONVERSATION_PREFIX + digest[:32]


def window_decision(last_inbound: float | None, now: float, template: str | None = None,
                    window: float = WINDOW_SECONDS) -> str:
    """"free_form" inside the customer-service window, else "template" (when one is configured) or "skip"."""
    if last_inbound is not None and 0 <= now - last_inbound < window:
        return "free_form"
    return "template" if template else "skip"


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at paragraph, then sentence, then word boundaries."""
    text = (text or "").strip()
    if len(text) <= limit:
        return [text] if text else []
    pieces: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            while len(sentence) > limit:
                cut = sentence.rfind(" ", 0, limit)
                cut = cut if cut > 0 else limit
                pieces.append(sentence[:cut])
                sentence = sentence[cut:].lstrip()
            pieces.append(sentence)
    parts: list[str] = []
    for piece in pieces:
        sep = "\n\n" if piece in text.split("\n\n") else " "
        if parts and len(parts[-1]) + len(sep) + len(piece) <= limit:
            parts[-1] += sep + piece
        elif piece.strip():
            parts.append(piece.strip())
    return parts


def _shorten(title: str, limit: int) -> str:
    title = " ".join(str(title).split())
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", 0, limit - 1)
    return (title[: cut if cut > limit // 2 else limit - 1]).rstrip(" ,;:-") + "…"


def interactive(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``interactive`` object for Rasa buttons: reply buttons (<= 3, titles <= 20) or a list (<= 10 rows)."""
    buttons = [b for b in buttons if b.get("title") and b.get("payload")]
    if not buttons:
        return None
    body = {"text": text[:MAX_BODY] if text else texts.WHATSAPP_CHOOSE}
    if len(buttons) <= MAX_BUTTONS and all(len(str(b["title"])) <= MAX_BUTTON_TITLE for b in buttons):
        return {"type": "button", "body": body, "action": {"buttons": [
            {"type": "reply", "reply": {"id": str(b["payload"])[:MAX_ID], "title": str(b["title"])}}
            for b in buttons]}}
    if len(buttons) > MAX_ROWS:
        logger.warning("whatsapp: more than %d buttons, the rest are not sent", MAX_ROWS)
    rows = []
    for b in buttons[:MAX_ROWS]:
        title = str(b["title"])
        row: dict[str, Any] = {"id": str(b["payload"])[:MAX_ID], "title": _shorten(title, MAX_ROW_TITLE)}
        if len(title) > MAX_ROW_TITLE:
            row["description"] = _shorten(title, MAX_ROW_DESCRIPTION)
        rows.append(row)
    return {"type": "list", "body": body, "action": {"button": texts.WHATSAPP_LIST_BUTTON,
                                                     "sections": [{"title": texts.WHATSAPP_LIST_SECTION,
                                                                   "rows": rows}]}}


def incoming_text(message: dict[str, Any]) -> tuple[str, str | None]:
    """(kind, text for the dialogue): kind is "text", "media" (answer "bitte als Text") or "ignore"."""
    kind = message.get("type")
    if kind == "text":
        body = (message.get("text") or {}).get("body")
        return ("text", body) if isinstance(body, str) and body.strip() else ("ignore", None)
    if kind == "interactive":
        inter = message.get("interactive") or {}
        reply = inter.get(inter.get("type") or "") or inter.get("button_reply") or inter.get("list_reply") or {}
        rid = reply.get("id") if isinstance(reply, dict) else None
        return ("text", rid) if isinstance(rid, str) and rid else ("ignore", None)
    if kind == "button":  # a template's quick-reply button
        payload = (message.get("button") or {}).get("payload")
        return ("text", payload) if isinstance(payload, str) and payload else ("ignore", None)
    if kind in MEDIA_KINDS:
        return "media", None
    return "ignore", None  # reaction, unsupported, system, ...


class Seen:
    """The last ``size`` message ids, to handle each wamid once (Meta redelivers)."""

    def __init__(self, size: int = DEDUP_SIZE) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, wamid: str) -> bool:
        if wamid in self._ids:
            return False
        self._ids[wamid] = None
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


# -- the API client -----------------------------------------------------------------------------------------
class CloudAPI:
    def __init__(self, api_url: str, version: str, phone_number_id: str, token: str, timeout: float) -> None:
        self.url = f"{api_url.rstrip('/')}/{version}/{phone_number_id}/messages"
        self.token = token
        self.timeout = timeout

    async def send(self, to: str, message: dict[str, Any]) -> bool:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **message}
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        status: int | str = "-"
        for delay in (0.0, *RETRY_DELAYS):
            if delay:
                await asyncio.sleep(delay)
            try:
                async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
                    async with session.post(self.url, data=json.dumps(body), headers=headers) as resp:
                        status = resp.status
                        if status < 300:
                            return True
                        retry_after = resp.headers.get("Retry-After")
                        if status != 429 and status < 500:
                            break
                        if retry_after and retry_after.isdigit():
                            await asyncio.sleep(min(float(retry_after), 10.0))
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                status = type(exc).__name__
        logger.warning("whatsapp: sending a %s message failed (status %s)", message.get("type"), status)
        return False


# -- output -------------------------------------------------------------------------------------------------
class WhatsAppOutput(OutputChannel):
    """Replies of one request: to the real number ``wa_id`` (known only here), inside the 24 h window."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(self, api: CloudAPI, wa_id: str | None, last_inbound: float | None,
                 template: str | None = None, language: str = "de") -> None:
        self.api, self.wa_id, self.last_inbound = api, wa_id, last_inbound
        self.template, self.language = template, language
        self._template_sent = False

    async def _send(self, message: dict[str, Any]) -> None:
        if not self.wa_id:
            logger.warning("whatsapp: no number for a reply outside a request; not sent")
            return
        decision = window_decision(self.last_inbound, time.time(), self.template)
        if decision == "skip":
            logger.warning("whatsapp: customer-service window closed; message not sent")
            return
        if decision == "template":
            if not self._template_sent:
                self._template_sent = True
                await self.api.send(self.wa_id, {"type": "template", "template": {
                    "name": self.template, "language": {"code": self.language}}})
            return
        await self.api.send(self.wa_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text):
            await self._send({"type": "text", "text": {"body": part, "preview_url": False}})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict[str, Any]],
                                     **kwargs: Any) -> None:
        parts = split_text(text)
        body = parts[-1] if parts and len(parts[-1]) <= MAX_BODY else ""
        head = parts[:-1] if body else parts
        for part in head:
            await self._send({"type": "text", "text": {"body": part, "preview_url": False}})
        message = interactive(body, buttons)
        if message is None:
            if body:
                await self._send({"type": "text", "text": {"body": body, "preview_url": False}})
            return
        await self._send({"type": "interactive", "interactive": message})

    async def send_quick_replies(self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]],
                                 **kwargs: Any) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send({"type": "image", "image": {"link": image}})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        if isinstance(json_message, dict) and json_message.get("type"):
            await self._send(json_message)


# -- input --------------------------------------------------------------------------------------------------
class WhatsAppInput(InputChannel):
    """The Cloud API webhook (``/webhooks/whatsapp/webhook``)."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            access_token=credentials["access_token"],
            phone_number_id=str(credentials["phone_number_id"]),
            app_secret=credentials["app_secret"],
            verify_token=credentials["verify_token"],
            pseudonym_key=credentials.get("pseudonym_key") or credentials["app_secret"],
            api_url=credentials.get("api_url") or DEFAULT_API_URL,
            api_version=credentials.get("api_version") or DEFAULT_API_VERSION,
            template=credentials.get("template") or None,
            timeout=float(credentials.get("timeout") or 10),
            limits=Limits.from_credentials(credentials),
        )

    def __init__(self, access_token: str, phone_number_id: str, app_secret: str, verify_token: str,
                 pseudonym_key: str, api_url: str = DEFAULT_API_URL, api_version: str = DEFAULT_API_VERSION,
                 template: str | None = None, timeout: float = 10.0, limits: Limits | None = None) -> None:
        self.api = CloudAPI(api_url, api_version, phone_number_id, access_token, timeout)
        self.phone_number_id = phone_number_id
        self.app_secret, self.verify_token, self.pseudonym_key = app_secret, verify_token, pseudonym_key
        self.template = template
        self.limits = limits or Limits()
        self.seen = Seen()
        self.last_inbound: OrderedDict[str, float] = OrderedDict()  # conversation id -> time (not the number)

    def _remember_inbound(self, conversation: str, when: float) -> None:
        self.last_inbound[conversation] = when
        self.last_inbound.move_to_end(conversation)
        while len(self.last_inbound) > DEDUP_SIZE:
            self.last_inbound.popitem(last=False)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("whatsapp_webhook", __name__)
        limit_request_size(bp, self.limits)
        guarded = guard_messages(on_new_message, self.limits, self.name())

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge") or ""
            if (request.args.get("hub.mode") == "subscribe" and challenge
                    and hmac.compare_digest(token.encode(), self.verify_token.encode())):
                return response.text(challenge)
            logger.warning("whatsapp: webhook verification with a wrong verify token")
            return response.text("forbidden", status=403)

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self.limits.body_too_large(request.body):
                return response.json(too_large_error(self.limits), status=413)
            if not signature_valid(self.app_secret, request.body or b"", request.headers.get("X-Hub-Signature-256")):
                logger.warning("whatsapp: webhook call with a missing or wrong signature rejected")
                return response.text("invalid signature", status=403)
            try:
                payload = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                payload = None
            try:
                await self._handle(payload, guarded)
            except Exception as exc:  # noqa: BLE001 - a signed call always gets 200, or Meta retries
                logger.error("whatsapp: handling a webhook call failed: %s", type(exc).__name__)
            return response.text("ok")

        return bp

    async def _handle(self, payload: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
            return
        for entry in payload.get("entry") or []:
            for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
                if not isinstance(change, dict) or change.get("field") != "messages":
                    continue
                value = change.get("value") or {}
                for status in value.get("statuses") or []:
                    if isinstance(status, dict) and status.get("status") == "failed":
                        codes = [e.get("code") for e in status.get("errors") or [] if isinstance(e, dict)]
                        logger.warning("whatsapp: a message was not delivered (codes %s)", codes)
                for message in value.get("messages") or []:
                    if isinstance(message, dict):
                        await self._message(message, on_new_message)

    async def _message(self, message: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        wa_id, wamid = message.get("from"), message.get("id")
        if not isinstance(wa_id, str) or not wa_id or not isinstance(wamid, str) or not self.seen.first_time(wamid):
            return
        kind, text = incoming_text(message)
        if kind == "ignore":
            return
        conversation = pseudonym(self.pseudonym_key, wa_id)
        try:
            sent_at = float(message.get("timestamp") or time.time())
        except (TypeError, ValueError):
            sent_at = time.time()
        self._remember_inbound(conversation, min(sent_at, time.time()))
        out = WhatsAppOutput(self.api, wa_id, self.last_inbound[conversation], self.template)
        if kind == "media":
            await out.send_text_message(conversation, texts.WHATSAPP_TEXT_ONLY)
            return
        await on_new_message(UserMessage(text, out, conversation, input_channel=self.name(),
                                         metadata={"channel": "whatsapp"}))

    def get_output_channel(self) -> OutputChannel:
        # outside a request the number is unknown (it is never stored): such messages are logged, not sent
        return WhatsAppOutput(self.api, None, None, self.template)
