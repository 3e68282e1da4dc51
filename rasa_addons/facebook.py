"""Facebook Messenger channel with strict webhook checks, quick replies and a configurable Graph API URL.

Rasa 3.6's ``FacebookInput`` has gaps this subclass closes:

- it checks only the SHA-1 ``X-Hub-Signature`` (Meta signs with SHA-256 in ``X-Hub-Signature-256``), compares
  with ``==`` and answers a bad signature with ``200 not validated``; a header such as ``foo=bar`` even crashes
  the handler (``getattr(hashlib, "foo")``). Here: SHA-256 preferred, SHA-1 accepted, constant-time compare,
  ``403`` for a missing or wrong signature and for a wrong verify token.
- it sends buttons as a button template only for up to 3 buttons and silently drops them for more. Here every
  response with buttons goes out as quick replies (Messenger allows 13, titles up to 20 characters).
- it handles only the first event of a batched webhook call. Here: every event.
- ``fbmessenger`` posts with blocking ``requests`` calls and no timeout from inside Rasa's event loop, to
  Graph API v2.12. Here: calls run in a worker thread with a timeout, to ``graph_url`` (FACEBOOK_GRAPH_URL),
  with ``appsecret_proof``; a failed call is logged (without message text) and never breaks the conversation.

credentials.yml (rendered by tooling/runtime_config.py from the environment)::

    rasa_addons.facebook.SecureFacebookInput:
      verify: ...              # FACEBOOK_VERIFY_TOKEN
      secret: ...              # FACEBOOK_APP_SECRET
      page-access-token: ...   # FACEBOOK_PAGE_ACCESS_TOKEN
      graph_url: https://graph.facebook.com/v21.0   # FACEBOOK_GRAPH_URL
      timeout: 10
      max_message_chars: 2000   # MAX_MESSAGE_CHARS: longer messages get a German notice (rasa_addons.limits)
      max_request_bytes: 262144 # MAX_REQUEST_BYTES: larger webhook bodies get 413
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import requests
from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.limits import Limits, guard_messages, limit_request_size, too_large_error

logger = logging.getLogger(__name__)

#: Messenger platform limits (https://developers.facebook.com/docs/messenger-platform/send-messages/quick-replies)
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20
MAX_QUICK_REPLY_PAYLOAD = 1000
MAX_TEXT = 2000
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"


def signature_valid(app_secret: str, body: bytes, headers: Any) -> bool:
    """Check Meta's webhook signature: ``X-Hub-Signature-256`` (preferred) or ``X-Hub-Signature`` (SHA-1).

    When the SHA-256 header is present it alone decides; a missing header, another algorithm or a wrong
    digest is ``False``. The comparison is constant-time.
    """
    if not app_secret:
        return False
    for header, algorithm in (("X-Hub-Signature-256", "sha256"), ("X-Hub-Signature", "sha1")):
        value = headers.get(header)
        if value is None:
            continue
        prefix, _, digest = str(value).strip().partition("=")
        if prefix.lower() != algorithm or not digest:
            return False
        expected = hmac.new(app_secret.encode("utf-8"), body, getattr(hashlib, algorithm)).hexdigest()
        return hmac.compare_digest(expected.encode(), digest.strip().lower().encode())
    return False


def _shorten(title: str, limit: int = MAX_QUICK_REPLY_TITLE) -> str:
    title = str(title).strip()
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def quick_replies(buttons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa buttons -> Messenger text quick replies (at most 13; overlong titles shortened, not rejected)."""
    result: list[dict[str, Any]] = []
    for button in buttons:
        title, payload = button.get("title"), button.get("payload")
        if not title or not payload:
            continue
        if len(result) == MAX_QUICK_REPLIES:
            logger.warning("facebook: more than %d buttons, the rest are not sent", MAX_QUICK_REPLIES)
            break
        if len(title) > MAX_QUICK_REPLY_TITLE:
            logger.warning("facebook: button title longer than %d characters shortened", MAX_QUICK_REPLY_TITLE)
        result.append(
            {"content_type": "text", "title": _shorten(title), "payload": str(payload)[:MAX_QUICK_REPLY_PAYLOAD]}
        )
    return result


class GraphClient(MessengerClient):
    """``fbmessenger.MessengerClient`` with a configurable Graph API base URL and a request timeout."""

    def __init__(
        self,
        page_access_token: str,
        graph_url: str | None = None,
        app_secret: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(page_access_token, app_secret=app_secret or None)
        self.graph_url = (graph_url or DEFAULT_GRAPH_URL).rstrip("/")
        self.timeout = timeout

    @staticmethod
    def _checked(result: Any, what: str) -> Any:
        if isinstance(result, dict) and result.get("error"):
            error = result["error"] if isinstance(result["error"], dict) else {}
            logger.warning("facebook: Graph API refused %s: code=%s type=%s", what, error.get("code"),
                           error.get("type"))
        return result

    def send(self, payload, recipient_id, messaging_type="RESPONSE", notification_type="REGULAR",
             timeout=None, tag=None):
        result = super().send(payload, recipient_id, messaging_type, notification_type,
                              timeout or self.timeout, tag)
        return self._checked(result, "a message")

    def send_action(self, sender_action, recipient_id, timeout=None):
        return self._checked(super().send_action(sender_action, recipient_id, timeout or self.timeout),
                             "a sender action")


#: conversation ids of Messenger users: "fb-" + the page-scoped id, so no other channel's id can name them
CONVERSATION_PREFIX = "fb-"


def conversation_id(psid: str) -> str:
    return psid if psid.startswith(CONVERSATION_PREFIX) else CONVERSATION_PREFIX + psid


def psid_of(recipient_id: str) -> str:
    """The page-scoped id Meta knows, for a conversation id (or a bare psid)."""
    return recipient_id.removeprefix(CONVERSATION_PREFIX)


class QuickReplyMessengerBot(MessengerBot):
    """Output to Messenger: buttons as quick replies; Graph API calls off the event loop, failures logged."""

    messenger_client: GraphClient

    async def _post(self, recipient_id: str, message: dict[str, Any] | list[Any]) -> None:
        await self._call(self.messenger_client.send, message, psid_of(recipient_id), "RESPONSE")

    async def _call(self, fn: Callable[..., Any], *args: Any) -> None:
        try:
            await asyncio.to_thread(fn, *args)
        except (requests.RequestException, ValueError) as exc:
            logger.warning("facebook: Graph API call failed: %s", type(exc).__name__)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in text.strip().split("\n\n"):
            if part.strip():
                await self._post(recipient_id, {"text": part[:MAX_TEXT]})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        replies = quick_replies(buttons)
        if not replies:
            return await self.send_text_message(recipient_id, text)
        # quick replies belong to one message: the whole text goes with them (no split at blank lines)
        await self._post(recipient_id, {"text": text.strip()[:MAX_TEXT], "quick_replies": replies})

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._post(recipient_id, {"attachment": {"type": "image", "payload": {"url": image}}})

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        await self._call(self.messenger_client.send_action, sender_action, psid_of(recipient_id))

    async def send_elements(self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any) -> None:
        elements = list(elements)
        for element in elements:
            if "buttons" in element:
                self._add_postback_info(element["buttons"])
        await self._post(recipient_id, {"attachment": {"type": "template", "payload": {
            "template_type": "generic", "elements": elements}}})

    async def send_custom_json(self, recipient_id: str, json_message: Any, **kwargs: Any) -> None:
        if isinstance(json_message, dict) and "sender" in json_message:
            recipient_id = json_message.pop("sender", {}).pop("id", recipient_id)
        await self._post(recipient_id, json_message)


class _Messenger(Messenger):
    """Rasa's webhook parser, with our output channel and every event of a batch handled."""

    def __init__(self, client: GraphClient, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        self.on_new_message = on_new_message
        self.client = client
        self.last_message: dict[str, Any] = {}

    async def handle(self, payload: dict, metadata: dict[str, Any] | None) -> None:
        for entry in payload.get("entry") or []:
            for event in entry.get("messaging") or []:
                self.last_message = event
                if event.get("message"):
                    await self.message(event, metadata)
                elif event.get("postback"):
                    await self.postback(event, metadata)

    async def _handle_user_message(self, text: str, sender_id: str, metadata: dict[str, Any] | None) -> None:
        if not sender_id:
            return
        out_channel = QuickReplyMessengerBot(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(text, out_channel, conversation_id(sender_id), input_channel=self.name(),
                            metadata=metadata)
            )
        except Exception:  # the webhook must answer 200, or Meta retries and finally disables it
            logger.exception("facebook: handling a message failed (conversation %s)", sender_id)
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class SecureFacebookInput(FacebookInput):
    """Messenger webhook: verify token and signature checked strictly (403 otherwise)."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("verify"),
            credentials.get("secret"),
            credentials.get("page-access-token"),
            graph_url=credentials.get("graph_url"),
            timeout=float(credentials.get("timeout") or 10),
            limits=Limits.from_credentials(credentials),
        )

    def __init__(
        self,
        fb_verify: str,
        fb_secret: str,
        fb_access_token: str,
        graph_url: str | None = None,
        timeout: float = 10.0,
        limits: Limits | None = None,
    ) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.graph_url = graph_url or DEFAULT_GRAPH_URL
        self.timeout = timeout
        self.limits = limits or Limits()

    def client(self) -> GraphClient:
        return GraphClient(self.fb_access_token, self.graph_url, self.fb_secret, self.timeout)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        fb_webhook = Blueprint("fb_webhook", __name__)
        limit_request_size(fb_webhook, self.limits)
        on_new_message = guard_messages(on_new_message, self.limits, self.name())

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge") or ""
            if (
                request.args.get("hub.mode") == "subscribe"
                and challenge
                and hmac.compare_digest(token.encode(), (self.fb_verify or "").encode())
            ):
                return response.text(challenge)
            logger.warning("facebook: webhook verification with a wrong verify token")
            return response.text("forbidden", status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if self.limits.body_too_large(request.body):
                logger.warning("facebook: webhook body of %d bytes refused", len(request.body))
                return response.json(too_large_error(self.limits), status=413)
            if not signature_valid(self.fb_secret, request.body or b"", request.headers):
                logger.warning("facebook: webhook call with a missing or wrong signature rejected")
                return response.text("invalid signature", status=403)
            try:
                payload = request.json
            except Exception:  # noqa: BLE001 - sanic raises its own InvalidUsage
                payload = None
            if not isinstance(payload, dict) or payload.get("object") != "page":
                return response.text("ignored")
            messenger = _Messenger(self.client(), on_new_message)
            await messenger.handle(payload, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> OutputChannel:
        return QuickReplyMessengerBot(self.client())
