"""Load generators: whole scripted conversations over REST (aiohttp) and socket.io (python-socketio client).

``concurrency`` workers each play one conversation at a time (a unique sender id per conversation) until
``conversations`` have been started or ``max_start_s`` has passed; conversations already started always run to
their end, so only whole conversations are measured. Every user turn's latency is recorded (REST: request to
response; socket.io: emit to the turn's last bot message). Errors are counted, never raised:

* ``http``: a non-200 answer (the conversation is aborted),
* ``timeout``: no (complete) answer within ``turn_timeout`` seconds (aborted),
* ``connection``: connection refused/reset, socket.io connect failure (aborted),
* ``semantic``: the conversation did not end as it must (recommendation, then the lead-saved message), or it
  was aborted by one of the errors above.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.conversations import Script
from bench.procs import cpu_seconds
from bench.stats import percentile

ScriptFactory = Callable[[int], Script]


@dataclass
class LevelStats:
    channel: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    started: int = 0
    finished: int = 0
    ok: int = 0
    turns_sent: int = 0
    unexpected_turns: Counter = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    first_deviation: dict[str, Any] | None = None
    wall_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)

    def add_error(self, kind: str, example: str) -> None:
        self.errors[kind] += 1
        if len(self.error_examples) < 8:
            self.error_examples.append(f"{kind}: {example}"[:300])

    def summary(self) -> dict[str, Any]:
        ms = [v * 1000.0 for v in self.latencies]
        turns = len(ms)

        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 1)

        out: dict[str, Any] = {
            "channel": self.channel,
            "concurrency": self.concurrency,
            "conversations": self.started,
            "conversations_ok": self.ok,
            "turns": turns,
            "p50_ms": r(percentile(ms, 50)),
            "p95_ms": r(percentile(ms, 95)),
            "p99_ms": r(percentile(ms, 99)),
            "mean_ms": r(sum(ms) / turns) if turns else None,
            "max_ms": r(max(ms)) if ms else None,
            "wall_s": round(self.wall_s, 2),
            "throughput_tps": round(turns / self.wall_s, 2) if self.wall_s > 0 else 0.0,
            "errors": {k: int(self.errors.get(k, 0)) for k in ("http", "timeout", "connection", "semantic")},
            "error_examples": self.error_examples,
            "unexpected_turns": dict(self.unexpected_turns.most_common(10)),
            "first_deviation": self.first_deviation,
        }
        out["errors"]["total"] = sum(out["errors"].values())
        if self.cpu_s and turns:
            out["cpu_ms_per_turn"] = {k: round(v * 1000.0 / turns, 1) for k, v in self.cpu_s.items()}
        return out


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("text") or "" for m in messages if isinstance(m, dict)]


def _note_turn(stats: LevelStats, script: Script, index: int, sent: str, texts: list[str]) -> None:
    turn = script.turns[index]
    if script.turn_ok(turn, texts):
        return
    stats.unexpected_turns[f"{script.name} turn {index + 1} ({turn.end})"] += 1
    if stats.first_deviation is None:
        stats.first_deviation = {
            "script": script.name, "turn": index + 1, "sent": sent, "expected": script.marker(turn),
            "got": [t[:160] for t in texts],
        }


class _Progress:
    def __init__(self, label: str, stats: LevelStats, report: Callable[[str], None] | None, every: float = 5.0):
        self.label, self.stats, self.report, self.every = label, stats, report, every
        self.task: asyncio.Task | None = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            s = self.stats
            if self.report:
                self.report(f"{self.label}: {len(s.latencies)} turns, {s.finished}/{s.started} conversations done, "
                            f"{sum(s.errors.values())} errors")

    def __enter__(self) -> _Progress:
        self.task = asyncio.get_running_loop().create_task(self._loop())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.task:
            self.task.cancel()


def _record_outcome(stats, script, replies, aborted) -> None:
    """Count a finished conversation as ok or as a semantic error (with a few examples kept)."""
    reason = aborted or script.check(replies)
    if reason:
        stats.errors["semantic"] += 1
        if len(stats.error_examples) < 8 and not aborted:
            stats.error_examples.append(f"semantic: {script.name}: {reason}")
    else:
        stats.ok += 1


async def _drive(stats: LevelStats, concurrency: int, conversations: int, max_start_s: float,
                 play: Callable[[int], Any], label: str, report, pids: dict[str, int] | None) -> None:
    counter = iter(range(conversations))
    deadline = time.monotonic() + max_start_s

    async def worker() -> None:
        while time.monotonic() < deadline:
            index = next(counter, None)
            if index is None:
                return
            stats.started += 1
            try:
                await play(index)
            except Exception as exc:  # noqa: BLE001 - a benchmark counts errors, it never crashes
                stats.add_error("connection", f"{type(exc).__name__}: {exc}")
                stats.errors["semantic"] += 1
            stats.finished += 1

    cpu_before = {name: cpu_seconds(pid) for name, pid in (pids or {}).items()}
    start = time.monotonic()
    with _Progress(label, stats, report):
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    stats.wall_s = time.monotonic() - start
    stats.cpu_s = {name: max(0.0, cpu_seconds(pid) - cpu_before[name]) for name, pid in (pids or {}).items()}


# -- REST -----------------------------------------------------------------------------------------------------
async def rest_sender(session: aiohttp.ClientSession, base_url: str, fallback: str) -> str:
    """The ``sender`` of a new REST conversation: a session token where the server issues them (ours, ``POST
    /webhooks/rest/session``), else ``fallback`` (stock Rasa, the baseline, takes any id)."""
    try:
        async with session.post(f"{base_url}/webhooks/rest/session") as resp:
            if resp.status == 200:
                return (await resp.json())["session"]
    except (aiohttp.ClientError, ValueError, KeyError):
        pass
    return fallback


async def run_rest(base_url: str, scripts: ScriptFactory, *, concurrency: int, conversations: int,
                   max_start_s: float, turn_timeout: float, sender_prefix: str, label: str = "rest",
                   report: Callable[[str], None] | None = None, pids: dict[str, int] | None = None) -> LevelStats:
    url = f"{base_url}/webhooks/rest/webhook"
    stats = LevelStats("rest", concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency + 5)
    timeout = aiohttp.ClientTimeout(total=turn_timeout)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def play(index: int) -> None:
            script = scripts(index)
            base_sender = f"{sender_prefix}-{index}"
            senders: dict[int, str] = {}  # sub-conversation -> its sender
            replies: list[list[str]] = []
            aborted = None
            for i, turn in enumerate(script.turns):
                if turn.session not in senders:
                    fallback = f"{base_sender}-s{turn.session}" if turn.session else base_sender
                    senders[turn.session] = await rest_sender(session, base_url, fallback)
                stats.turns_sent += 1
                t0 = time.perf_counter()
                try:
                    sender = senders[turn.session]
                    async with session.post(url, json={"sender": sender, "message": turn.text}) as resp:
                        body = await resp.read()
                        elapsed = time.perf_counter() - t0
                        if resp.status != 200:
                            stats.add_error("http", f"HTTP {resp.status} on turn {i + 1}: {body[:120]!r}")
                            aborted = f"HTTP {resp.status}"
                            break
                        try:
                            messages = json.loads(body)
                        except ValueError:
                            stats.add_error("http", f"invalid JSON on turn {i + 1}: {body[:120]!r}")
                            aborted = "invalid JSON"
                            break
                except asyncio.TimeoutError:
                    stats.add_error("timeout", f"turn {i + 1} of {script.name} after {turn_timeout:.0f} s")
                    aborted = "timeout"
                    break
                except aiohttp.ClientError as exc:
                    stats.add_error("connection", f"turn {i + 1}: {type(exc).__name__}: {exc}")
                    aborted = "connection"
                    break
                stats.latencies.append(elapsed)
                texts = _texts(messages if isinstance(messages, list) else [])
                replies.append(texts)
                _note_turn(stats, script, i, turn.text, texts)
            _record_outcome(stats, script, replies, aborted)

        await _drive(stats, concurrency, conversations, max_start_s, play, label, report, pids)
    return stats


# -- socket.io ------------------------------------------------------------------------------------------------
def aiohttp_compat() -> bool:
    """Let a python-engineio >= 4.10 client use websockets with Rasa's aiohttp (< 3.10).

    Those engineio releases pass ``timeout=aiohttp.ClientWSTimeout(ws_close=...)`` to ``ws_connect``; the class
    exists only from aiohttp 3.10, so every websocket connect fails with AttributeError. In aiohttp 3.9
    ``ws_connect(timeout=...)`` *is* the close timeout in seconds, so a stand-in returning that number is exact.
    The lock pins python-engineio 4.8.2, which does not need it; this keeps the benchmark working if it moves.
    Only the benchmark's own process is patched; returns True when patched.
    """
    from importlib.metadata import version

    if hasattr(aiohttp, "ClientWSTimeout"):
        return False
    major, minor = (int(x) for x in version("python-engineio").split(".")[:2])
    if (major, minor) < (4, 10):
        return False

    def client_ws_timeout(ws_receive: float | None = None, ws_close: float = 10.0) -> float:
        return ws_close

    aiohttp.ClientWSTimeout = client_ws_timeout  # type: ignore[attr-defined]
    return True


async def run_socketio(base_url: str, scripts: ScriptFactory, *, concurrency: int, conversations: int,
                       max_start_s: float, turn_timeout: float, sender_prefix: str, quiet_s: float = 2.0,
                       label: str = "socket.io", report: Callable[[str], None] | None = None,
                       pids: dict[str, int] | None = None) -> LevelStats:
    """Each conversation is its own socket.io connection (websocket transport), like a browser widget.

    A turn's reply is complete when the message carrying the turn's end marker arrives; when the marker never
    comes (a dialogue deviation), the turn ends ``quiet_s`` after the last message (the wait is not counted in
    the latency, which is measured to the last message received).
    """
    import socketio

    aiohttp_compat()
    stats = LevelStats("socketio", concurrency)

    async def play(index: int) -> None:
        script = scripts(index)
        session_id = f"{sender_prefix}-{index}"
        inbox: asyncio.Queue = asyncio.Queue()
        confirmed = asyncio.Event()
        confirmed_id: dict[str, Any] = {}
        client = socketio.AsyncClient(reconnection=False)

        @client.on("bot_uttered")
        async def on_bot(data: Any) -> None:
            inbox.put_nowait((time.perf_counter(), data if isinstance(data, dict) else {"text": str(data)}))

        @client.on("session_confirm")
        async def on_confirm(data: Any) -> None:
            # ours issues its own (signed) session id, stock Rasa confirms the one requested
            confirmed_id["id"] = data.get("session_id") if isinstance(data, dict) else data
            confirmed.set()

        replies: list[list[str]] = []
        aborted = None
        try:
            try:
                await asyncio.wait_for(
                    client.connect(base_url, socketio_path="/socket.io/", transports=["websocket"]),
                    timeout=turn_timeout)
                await client.emit("session_request", {"session_id": session_id})
                await asyncio.wait_for(confirmed.wait(), timeout=turn_timeout)
            except (asyncio.TimeoutError, socketio.exceptions.ConnectionError) as exc:
                stats.add_error("connection", f"connect/session_request: {type(exc).__name__}: {exc}")
                aborted = "connection"
            current_session = 0
            for i, turn in enumerate([] if aborted else script.turns):
                if turn.session != current_session:  # a sub-conversation under its own session id
                    current_session = turn.session
                    session_id = f"{sender_prefix}-{index}-s{turn.session}"
                    confirmed.clear()
                    await client.emit("session_request", {"session_id": session_id})
                    try:
                        await asyncio.wait_for(confirmed.wait(), timeout=turn_timeout)
                    except asyncio.TimeoutError:
                        stats.add_error("timeout", f"session_request for turn {i + 1}: no session_confirm")
                        aborted = "timeout"
                        break
                marker = script.marker(turn)
                stats.turns_sent += 1
                t0 = time.perf_counter()
                await client.emit("user_uttered", {"message": turn.text,
                                                   "session_id": confirmed_id.get("id") or session_id})
                texts: list[str] = []
                last = None
                hard_deadline = t0 + turn_timeout
                while True:
                    wait = hard_deadline - time.perf_counter()
                    if last is not None:
                        wait = min(wait, quiet_s)
                    if wait <= 0:
                        break
                    try:
                        ts, data = await asyncio.wait_for(inbox.get(), timeout=wait)
                    except asyncio.TimeoutError:
                        break
                    last = ts
                    text = data.get("text") or ""
                    texts.append(text)
                    if marker in text:
                        break
                if last is None:
                    stats.add_error("timeout", f"turn {i + 1} of {script.name}: no reply in {turn_timeout:.0f} s")
                    aborted = "timeout"
                    break
                if not any(marker in t for t in texts) and time.perf_counter() >= hard_deadline:
                    stats.add_error("timeout", f"turn {i + 1} of {script.name}: reply incomplete after "
                                               f"{turn_timeout:.0f} s")
                    aborted = "timeout"
                    break
                stats.latencies.append(last - t0)
                replies.append(texts)
                _note_turn(stats, script, i, turn.text, texts)
        finally:
            try:
                await asyncio.wait_for(client.disconnect(), timeout=5)
            except Exception:  # noqa: BLE001
                pass
        _record_outcome(stats, script, replies, aborted)

    await _drive(stats, concurrency, conversations, max_start_s, play, label, report, pids)
    return stats
