"""The website's channels: Rasa's REST and socket.io channels with input limits (rasa_addons.limits) and
server-issued conversations (rasa_addons.sessions).

Same URLs and message format as Rasa's ``rest`` and ``socketio`` channels (``/webhooks/rest/webhook``,
``/socket.io``; the conversation's channel is still "rest" / "socketio", whatever a client claims), and:

- sessions: a conversation is opened by the server, never named by the client. REST clients get a signed token
  from ``POST /webhooks/rest/session`` and send it as ``sender`` (401 otherwise); the widget gets one in
  socket.io's ``session_confirm`` and each socket talks only in the conversation of its own ``session_request``.
- hosts: a REST request (421) or WebSocket whose Host header is not loopback, ``HOST``, the host of
  ``WEB_ORIGIN`` / ``RASA_PUBLIC_URL`` or in ``ALLOWED_HOSTS`` is refused (DNS rebinding).
- origins: a request or WebSocket from a page whose ``Origin`` is not ``WEB_ORIGIN`` / ``ALLOWED_ORIGINS`` is
  refused (REST 403 with a JSON error, socket.io connection refused). Clients without a browser send no Origin.
- REST: a body larger than ``max_request_bytes`` is 413, a body that is not JSON (``Content-Type:
  application/json``) 415, not ``{"sender": "<token>", "message": "<text>"}`` (optional ``metadata`` object)
  400, all with a JSON error; Rasa answered those with 500 or, without a sender, put the message into one
  conversation ("default") shared by everyone.
- socket.io: a packet larger than ``max_request_bytes`` is refused by Engine.IO (the connection is closed).
- rate limits: per conversation on both channels (rasa_addons.limits.guard_messages), per client address here
  (REST 429 with a JSON error, socket.io the German notice); the address is the peer's, or with
  ``proxies_count`` > 0 the one the trusted reverse proxies put into X-Forwarded-For.
- both: a message longer than ``max_message_chars`` gets a German notice and is not processed.
- health: ``GET /webhooks/rest/health`` is 200 ``{"status": "ok", "model": <file>, "fingerprint": <id>}`` when the
  model is loaded and the tracker store's database answers, else 503 with what is down (for load balancers,
  Kubernetes' readiness probe and the operator).

credentials.yml (rendered by tooling/runtime_config.py from the environment)::

    rasa_addons.channels.LimitedRestInput:
      max_message_chars: 2000
      max_request_bytes: 262144
      rate_per_conversation: 30
      rate_per_ip: 120
      proxies_count: 0
    rasa_addons.channels.LimitedSocketIOInput:
      user_message_evt: user_uttered
      ...                        # Rasa's socketio options and the same limits
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request

from config import get_settings, session_secret
from rasa_addons import texts
from rasa_addons.limits import (
    Limits,
    MalformedRequest,
    OnNewMessage,
    RateLimiter,
    guard_messages,
    limit_request_size,
    malformed_error,
    parse_rest_body,
    too_large_error,
)
from rasa_addons.sessions import SessionSigner

logger = logging.getLogger(__name__)


def _signer() -> SessionSigner:
    return SessionSigner(session_secret(get_settings()))


def _allowed_origins() -> set[str]:
    return set(get_settings().allowed_origins)


def origin_allowed(origin: str | None, allowed: set[str]) -> bool:
    """A request without Origin (no browser) or from one of the allowed pages."""
    return origin is None or origin.rstrip("/") in allowed


def host_name(host_header: str | None) -> str:
    """The name of a Host header value, without port ("[::1]:5005" -> "::1")."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host_header: str | None, allowed: set[str]) -> bool:
    return host_name(host_header) in allowed


def client_address(request: Request | None) -> str:
    if request is None:
        return "?"
    return str(request.remote_addr or request.ip or "?")


def _use_proxies(bp: Blueprint, proxies_count: int) -> None:
    if proxies_count <= 0:
        return

    @bp.listener("before_server_start")
    async def trust_proxies(app: Sanic, _: Any) -> None:
        app.config.PROXIES_COUNT = proxies_count


def _proxies_count(credentials: dict[str, Any] | None) -> int:
    return int((credentials or {}).get("proxies_count") or 0)


def health_answer(app: Sanic) -> response.HTTPResponse:
    agent = getattr(app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    if agent is None or not agent.is_ready():
        return response.json({"status": "starting", "model": "not loaded"}, status=503)
    check = getattr(store, "reachable", None)
    if check is not None and not check():
        return response.json({"status": "unavailable", "tracker_store": "unreachable"}, status=503)
    # the model this replica answers with: the file name and Rasa's fingerprint (the model server's ETag when
    # the model was pulled), so a rollout can be followed replica by replica
    return response.json({"status": "ok", "tracker_store": "ok", "model": agent.processor.model_filename,
                          "fingerprint": agent.fingerprint})


class LimitedRestInput(RestInput):
    """Rasa's REST channel with sessions, origin, body-size, body-shape, rate and message-length checks."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(Limits.from_credentials(credentials), _proxies_count(credentials))

    def __init__(self, limits: Limits | None = None, proxies_count: int = 0,
                 signer: SessionSigner | None = None) -> None:
        self.limits = limits or Limits()
        self.proxies_count = proxies_count
        self.signer = signer or _signer()
        self.allowed_origins = _allowed_origins()
        self.allowed_hosts = get_settings().allowed_hosts
        self.per_ip = RateLimiter(self.limits.rate_per_ip)

    # the body was checked by the middleware: these read the parsed, valid request
    async def _extract_sender(self, req: Request) -> str:
        return req.ctx.conversation_id

    def _extract_message(self, req: Request) -> str:
        return req.ctx.rest_request.message

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return request.ctx.rest_request.metadata

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # never the client's "input_channel": the brief would name the wrong channel

    def _refusal(self, request: Request) -> response.HTTPResponse | None:
        """The answer to a request this channel does not serve (None: go on)."""
        if not host_allowed(request.headers.get("host"), self.allowed_hosts):
            return response.json({"error": "host_not_allowed", "message": texts.HOST_NOT_ALLOWED}, status=421)
        if not origin_allowed(request.headers.get("origin"), self.allowed_origins):
            return response.json({"error": "origin_not_allowed", "message": texts.ORIGIN_NOT_ALLOWED}, status=403)
        if self.per_ip.check(client_address(request)) != "ok":
            return response.json({"error": "rate_limited", "message": texts.RATE_LIMITED}, status=429,
                                 headers={"Retry-After": str(max(1, round(1 / self.per_ip.rate)))})
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = super().blueprint(guard_messages(on_new_message, self.limits, self.name()))
        limit_request_size(bp, self.limits)
        _use_proxies(bp, self.proxies_count)

        @bp.route("/health", methods=["GET"])
        async def health(request: Request) -> response.HTTPResponse:
            """200 when the assistant can hold conversations, 503 (JSON, saying what is down) otherwise."""
            return health_answer(request.app)

        @bp.route("/session", methods=["POST"])
        async def new_session(request: Request) -> response.HTTPResponse:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            return response.json({"session": self.signer.issue()})

        @bp.middleware("request")
        async def check_body(request: Request) -> Any:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            if self.limits.body_too_large(request.body):
                return response.json(too_large_error(self.limits), status=413)
            if (request.content_type or "").split(";")[0].strip().lower() != "application/json":
                return response.json({"error": "json_required", "message": texts.JSON_REQUIRED}, status=415)
            try:
                request.ctx.rest_request = parse_rest_body(request.body)
            except MalformedRequest as exc:
                return response.json(malformed_error(exc), status=400)
            conversation = self.signer.conversation_of(request.ctx.rest_request.sender)
            if conversation is None:
                return response.json({"error": "invalid_session", "message": texts.INVALID_SESSION}, status=401)
            request.ctx.conversation_id = conversation
            return None

        return bp


class LimitedSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with server-issued sessions, allowed origins, packet-size, rate and
    message-length limits."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        channel = super().from_credentials(credentials)
        channel.limits = Limits.from_credentials(credentials)
        channel.proxies_count = _proxies_count(credentials)
        return channel

    limits: Limits = Limits()
    proxies_count: int = 0

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        guarded = guard_messages(on_new_message, self.limits, self.name())
        bp = super().blueprint(guarded)
        sio = self.sio
        # Engine.IO refuses larger packets (HTTP long-polling: 413; WebSocket: the connection is closed)
        sio.eio.max_http_buffer_size = self.limits.max_request_bytes
        limit_request_size(bp, self.limits)
        _use_proxies(bp, self.proxies_count)
        signer = _signer()
        allowed = _allowed_origins()
        hosts = get_settings().allowed_hosts
        per_ip = RateLimiter(self.limits.rate_per_ip)
        addresses: dict[str, str] = {}  # socket -> client address
        conversations: dict[str, str] = {}  # socket -> the conversation of its session_request
        namespace = self.namespace

        # Rasa's handlers are replaced: it accepts any Origin and any client-chosen session id
        async def connect(sid: str, environ: dict, auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if not origin_allowed(origin, allowed):
                logger.warning("socket.io: connection from origin %r refused", origin)
                return False
            if not host_allowed(environ.get("HTTP_HOST"), hosts):
                logger.warning("socket.io: connection for host %r refused", environ.get("HTTP_HOST"))
                return False
            addresses[sid] = client_address(environ.get("sanic.request"))
            return True

        async def disconnect(sid: str) -> None:
            addresses.pop(sid, None)
            conversations.pop(sid, None)

        async def session_request(sid: str, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            conversation = signer.conversation_of(token)
            if conversation is None:  # none, expired secret, made up or someone else's bare id: a new one
                token = signer.issue()
                conversation = signer.conversation_of(token)
            previous = conversations.get(sid)
            if previous and previous != conversation:
                sio.leave_room(sid, previous)
            conversations[sid] = conversation
            sio.enter_room(sid, conversation)
            await sio.emit("session_confirm", token, room=sid)

        async def handle_message(sid: str, data: Any) -> None:
            conversation = conversations.get(sid)
            if conversation is None or not isinstance(data, dict) or not isinstance(data.get("message"), str):
                logger.warning("socket.io: message without a session or text ignored")
                return
            verdict = per_ip.check(addresses.get(sid, "?"))
            if verdict != "ok":
                if verdict == "notify":
                    await sio.emit(self.bot_message_evt, {"text": texts.RATE_LIMITED}, room=sid)
                return
            metadata = data.get(self.metadata_key)
            message = UserMessage(data["message"], SocketIOOutput(sio, self.bot_message_evt), conversation,
                                  input_channel=self.name(),
                                  metadata=metadata if isinstance(metadata, dict) else None)
            await guarded(message)

        sio.on("connect", connect, namespace=namespace)
        sio.on("disconnect", disconnect, namespace=namespace)
        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, handle_message, namespace=namespace)
        return bp
