"""Telegram channel that only accepts updates carrying the webhook's secret token.

Rasa 3.6's ``TelegramInput`` accepts any POST to its webhook, fails the whole server start when the Telegram
API is unreachable (``set_webhook`` at start-up), cannot use another API server, calls ``getMe`` on every
update, answers the automatic ``/start`` with "not understood" and re-raises handler errors as 500 (Telegram
then redelivers the update again and again). This subclass:

- registers the webhook with ``secret_token`` (Bot API 6.1; aiogram 2.x predates it) and rejects every update
  without a matching ``X-Telegram-Bot-Api-Secret-Token`` header (constant-time compare) with 401 (403 for
  a wrong one);
- talks to ``api_server`` (TELEGRAM_API_SERVER, default https://api.telegram.org) and logs a warning instead
  of failing when the API cannot be reached at start-up;
- caches ``getMe``, maps ``/start`` to ``/greet``, answers button presses (``answerCallbackQuery``) and lays
  out inline keyboards one button per row (German titles are long);
- reads every update itself (``read_update``) instead of Rasa's parser, which answers 500 to any update kind
  it does not expect, takes edits as new answers, turns a location into text and strips "/bot" from any
  text: every correctly signed update gets 200; only a private chat's text or button press reaches the
  dialogue; edits, channel posts, membership changes, inline queries and unknown kinds are ignored (logged by
  kind only, never with text); a photo, sticker, voice message, location … gets a German "bitte als Text"; a
  group chat is asked to continue in a private chat before anything personal; each ``update_id`` is handled
  once.

credentials.yml (rendered by tooling/runtime_config.py from the environment)::

    rasa_addons.telegram.SecureTelegramInput:
      access_token: ...   # TELEGRAM_ACCESS_TOKEN
      verify: ...         # TELEGRAM_VERIFY, the bot's username
      webhook_url: ...    # TELEGRAM_WEBHOOK_URL, https://<host>/webhooks/telegram/webhook
      secret_token: ...   # TELEGRAM_SECRET_TOKEN, 1-256 characters of A-Z a-z 0-9 _ -
      api_server: null    # TELEGRAM_API_SERVER
      max_message_chars: 2000    # MAX_MESSAGE_CHARS: longer messages get a German notice (rasa_addons.limits)
      max_request_bytes: 262144  # MAX_REQUEST_BYTES: larger update bodies get 413
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiogram import Bot, types
from aiogram.bot import api
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request

from rasa_addons import texts
from rasa_addons.limits import Limits, guard_messages, limit_request_size, too_large_error

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
START_COMMAND = re.compile(r"^/start(@\w+)?(\s.*)?$", re.IGNORECASE | re.DOTALL)  # also "/start@bot", deep links
ALLOWED_UPDATES = ["message", "callback_query"]  # edits are never answers (see read_update)
NETWORK_ERRORS = (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError, OSError)
_pending: set[asyncio.Future] = set()


SEEN_UPDATES = 10_000  # update ids remembered per process for de-duplication (Telegram redelivers on errors)
PRIVATE = "private"


@dataclass(frozen=True)
class UpdateAction:
    """What to do with one update: ``kind`` is "dialogue" (``text`` from ``chat_id``), "text_only" (ask for
    text), "group" (ask to continue privately) or "ignore"; ``reason`` names the update kind for the log."""

    kind: str
    reason: str
    chat_id: str | None = None
    text: str | None = None
    thread_id: int | None = None


def _chat_of(message: Any) -> tuple[str | None, str | None]:
    chat = message.get("chat") if isinstance(message, dict) else None
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), (int, str)) or isinstance(chat.get("id"), bool):
        return None, None
    return str(chat["id"]), str(chat.get("type") or PRIVATE)


def read_update(data: Any) -> UpdateAction:
    """Decide what an update means (see the module docstring); never raises."""
    if not isinstance(data, dict):
        return UpdateAction("ignore", "not an object")
    query = data.get("callback_query")
    message = data.get("message")
    if isinstance(query, dict):
        chat_id, chat_type = _chat_of(query.get("message"))
        payload = query.get("data")
        if chat_id is None or not isinstance(payload, str) or not payload:
            return UpdateAction("ignore", "callback_query without chat or data")
        if chat_type != PRIVATE:
            return UpdateAction("group", "callback_query in a group", chat_id)
        return UpdateAction("dialogue", "callback_query", chat_id, payload)
    if not isinstance(message, dict):
        kinds = [k for k in data if k != "update_id"]
        return UpdateAction("ignore", kinds[0] if kinds else "empty update")
    chat_id, chat_type = _chat_of(message)
    if chat_id is None:
        return UpdateAction("ignore", "message without chat")
    thread = message.get("message_thread_id") if isinstance(message.get("message_thread_id"), int) else None
    if chat_type != PRIVATE:
        if chat_type == "channel":
            return UpdateAction("ignore", "channel message")
        return UpdateAction("group", "group message", chat_id, thread_id=thread)
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        return UpdateAction("dialogue", "message", chat_id, text, thread)
    service = {"new_chat_members", "left_chat_member", "new_chat_title", "pinned_message", "migrate_to_chat_id"}
    if service & set(message):
        return UpdateAction("ignore", "service message")
    return UpdateAction("text_only", "non-text message", chat_id, thread_id=thread)


def api_server(base_url: str | None) -> TelegramAPIServer:
    return TelegramAPIServer.from_base(base_url) if base_url else TELEGRAM_PRODUCTION


#: conversation ids of Telegram chats: "tg-" + the chat id, so no other channel's id can name them
CONVERSATION_PREFIX = "tg-"


def conversation_id(chat_id: str) -> str:
    return chat_id if chat_id.startswith(CONVERSATION_PREFIX) else CONVERSATION_PREFIX + chat_id


def chat_id_of(recipient_id: str) -> str:
    """The chat id Telegram knows, for a conversation id (or a bare chat id)."""
    return str(recipient_id).removeprefix(CONVERSATION_PREFIX)


class SecureTelegramOutput(TelegramOutput):
    """Rasa's Telegram output on a configurable API server, with a cached ``getMe``; replies go to the chat of
    a "tg-" conversation id."""

    def __init__(
        self,
        access_token: str,
        api_server_url: str | None = None,
        secret_token: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        Bot.__init__(self, access_token, server=api_server(api_server_url), timeout=timeout)
        self.secret_token = secret_token
        self._me: types.User | None = None

    async def set_webhook(self, url: str, **_: Any) -> bool:  # type: ignore[override]
        """setWebhook with ``secret_token`` (aiogram 2.x's own set_webhook cannot send it)."""
        payload: dict[str, Any] = {"url": url, "allowed_updates": json.dumps(ALLOWED_UPDATES)}
        if self.secret_token:
            payload["secret_token"] = self.secret_token
        return bool(await self.request(api.Methods.SET_WEBHOOK, payload))

    async def get_me(self) -> types.User:
        if self._me is None:
            self._me = await super().get_me()
        return self._me

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        button_type: str | None = "vertical",
        **kwargs: Any,
    ) -> None:
        # one button per row unless the response asks for another layout (``button_type: inline|reply``)
        await super().send_text_with_buttons(chat_id_of(recipient_id), text, buttons, button_type=button_type,
                                             **kwargs)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(chat_id_of(recipient_id), text, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await super().send_image_url(chat_id_of(recipient_id), image, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await super().send_custom_json(chat_id_of(recipient_id), json_message, **kwargs)


class SecureTelegramInput(TelegramInput):
    """Telegram webhook that requires the secret token header on every update."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            secret_token=credentials.get("secret_token"),
            api_server_url=credentials.get("api_server"),
            timeout=float(credentials.get("timeout") or 10),
            limits=Limits.from_credentials(credentials),
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
        *,
        secret_token: str | None = None,
        api_server_url: str | None = None,
        timeout: float = 10.0,
        limits: Limits | None = None,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=debug_mode)
        self.limits = limits or Limits()
        if not secret_token or not SECRET_PATTERN.match(secret_token):
            raise RasaException(
                "Telegram needs a secret_token (TELEGRAM_SECRET_TOKEN) of 1-256 characters A-Z, a-z, 0-9, _ and -"
            )
        self.secret_token = secret_token
        self.api_server_url = api_server_url
        self.timeout = timeout
        self._output: SecureTelegramOutput | None = None
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._groups_told: OrderedDict[str, None] = OrderedDict()

    # -- outgoing ---------------------------------------------------------------------------------------
    def get_output_channel(self) -> SecureTelegramOutput:
        """The output channel; the first call registers the webhook (a failure is logged, not fatal)."""
        if self._output is not None:
            return self._output
        self._output = SecureTelegramOutput(
            self.access_token, self.api_server_url, self.secret_token, self.timeout
        )
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # at start-up, before the server's loop runs (Rasa's own behaviour)
            asyncio.run(self._register_webhook(self._output, close_session=True))
        else:
            task = asyncio.ensure_future(self._register_webhook(self._output))
            _pending.add(task)
            task.add_done_callback(_pending.discard)
        return self._output

    async def _register_webhook(self, channel: SecureTelegramOutput, close_session: bool = False) -> bool:
        if not self.webhook_url:
            logger.warning("telegram: no webhook_url configured, the webhook is not registered")
            return False
        try:
            ok = await channel.set_webhook(self.webhook_url)
            logger.info("telegram: webhook %s", "registered" if ok else "not accepted by the API")
            return ok
        except NETWORK_ERRORS as exc:
            logger.warning(
                "telegram: could not register the webhook (%s: %s); the channel starts anyway, "
                "register it later with POST /webhooks/telegram/set_webhook",
                type(exc).__name__, self._redact(str(exc)),
            )
            return False
        finally:
            if close_session:
                # the aiohttp session belongs to this temporary loop; the server's loop opens a new one
                await channel.session.close()

    def _redact(self, text: str) -> str:
        """Error texts can contain the API URL, which contains the bot token."""
        return text.replace(self.access_token, "<token>") if self.access_token else text

    # -- incoming ---------------------------------------------------------------------------------------
    def _secret_ok(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER)
        return given is not None and hmac.compare_digest(given.encode(), self.secret_token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        limited = guard_messages(on_new_message, self.limits, self.name())

        async def handle(message: UserMessage) -> None:
            message.sender_id = conversation_id(str(message.sender_id))
            if message.text and START_COMMAND.match(message.text.strip()):
                message.text = "/greet"  # Telegram's first message; Rasa would parse it as an unknown intent
            await limited(message)

        async def dispatch(request: Request) -> Any:
            """Every signed update, answered here (Rasa's own route never runs): 200 unless the body is no
            JSON at all."""
            try:
                data = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                logger.info("telegram: update ignored (not JSON)")
                return response.text("success")
            if isinstance(data, dict) and isinstance(data.get("update_id"), int) and not isinstance(
                    data.get("update_id"), bool):
                if data["update_id"] in self._seen:
                    logger.info("telegram: update ignored (duplicate update_id)")
                    return response.text("success")
                self._seen[data["update_id"]] = None
                while len(self._seen) > SEEN_UPDATES:
                    self._seen.popitem(last=False)
            action = read_update(data)
            output = self.get_output_channel()
            if action.kind == "ignore":
                logger.info("telegram: update ignored (%s)", action.reason)
            elif action.kind == "text_only":
                await self._send(output, action.chat_id, texts.TELEGRAM_TEXT_ONLY, action.thread_id)
            elif action.kind == "group":
                if action.chat_id not in self._groups_told:
                    self._groups_told[action.chat_id] = None
                    while len(self._groups_told) > SEEN_UPDATES:
                        self._groups_told.popitem(last=False)
                    await self._send(output, action.chat_id, texts.TELEGRAM_GROUP.format(bot=self.verify or ""),
                                     action.thread_id)
            else:
                self._answer_button(request)
                try:
                    await handle(UserMessage(action.text, output, action.chat_id, input_channel=self.name(),
                                             metadata=self.get_metadata(request)))
                except Exception:  # noqa: BLE001 - the update is answered; Telegram must not redeliver it
                    logger.exception("telegram: handling an update failed")
            return response.text("success")

        bp = super().blueprint(handle)
        limit_request_size(bp, self.limits)

        @bp.middleware("request")
        async def require_secret(request: Request) -> Any:
            if request.path.rstrip("/").endswith("/telegram") and request.method == "GET":
                return None  # health check
            if SECRET_HEADER not in request.headers:
                logger.warning("telegram: request without secret token rejected")
                return response.text("unauthorized", status=401)
            if not self._secret_ok(request):
                logger.warning("telegram: request with a wrong secret token rejected")
                return response.text("forbidden", status=403)
            if request.path.rstrip("/").endswith("/webhook"):
                if request.method != "POST":
                    return response.text("method not allowed", status=405)
                if self.limits.body_too_large(request.body):
                    logger.warning("telegram: update body of %d bytes refused", len(request.body))
                    return response.json(too_large_error(self.limits), status=413)
                return await dispatch(request)
            return None

        return bp

    async def _send(self, output: SecureTelegramOutput, chat_id: str | None, text: str,
                    thread_id: int | None) -> None:
        if chat_id is None:
            return
        try:
            payload: dict[str, Any] = {"chat_id": chat_id, "text": text}
            if thread_id is not None:
                payload["message_thread_id"] = thread_id  # stay in the forum topic (aiogram 2.15 predates it)
            await output.request(api.Methods.SEND_MESSAGE, payload)
        except NETWORK_ERRORS as exc:
            logger.warning("telegram: sending a notice failed: %s", type(exc).__name__)

    def _answer_button(self, request: Request) -> None:
        """Stop the button's spinner in the Telegram app (answerCallbackQuery), without waiting for it."""
        try:
            data = request.json
        except Exception:  # noqa: BLE001
            return
        query = data.get("callback_query") if isinstance(data, dict) else None
        if isinstance(query, dict) and query.get("id") and self._output is not None:
            task = asyncio.ensure_future(self._answer(str(query["id"])))
            _pending.add(task)  # keep a reference until done
            task.add_done_callback(_pending.discard)

    async def _answer(self, query_id: str) -> None:
        try:
            await self._output.answer_callback_query(query_id)
        except NETWORK_ERRORS as exc:
            logger.warning("telegram: answerCallbackQuery failed: %s", type(exc).__name__)
