"""Model rollout without downtime (deploy/kubernetes/README.md "Rolling out a model"): the two replicas of the
production fixture pull their model from the model server (tooling/model_server.py, ``MODEL_SERVER_URL``,
every ``MODEL_PULL_INTERVAL`` = 2 s). While conversations run through nginx (deploy/nginx.conf), a new model
file is published; every request is answered, both replicas then answer with the new model (their health
endpoint names it), and the conversation in the middle of the form goes on with its answers.

No new model is trained: the trained model is published again under a new file name, which is a new ETag
for Rasa (rasa/core/agent.py decides by the ETag alone), so each replica loads it anew.
"""
from __future__ import annotations

import http.client
import json
import shutil
import ssl
import threading
import time
from pathlib import Path

import pytest

from rasa_addons.sessions import conversation_id
from tests.support.production import TRACKER_DB, NginxProxy, Production, pg_query
from tooling import model_server
from tooling.train import newest_model

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def proxy(production, tmp_path_factory):
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed (scripts/system-deps.sh installs nginx-light): the rollout "
                    "test needs it in front of the replicas")
    nginx = NginxProxy(production, tmp_path_factory.mktemp("nginx-rollout"))
    nginx.prepare()
    checked = nginx.check()
    assert checked.returncode == 0, f"nginx -t:\n{checked.stderr}"
    nginx.start()
    yield nginx
    nginx.stop()


class ProxyChat:
    """A prospect over REST through nginx (https://www.example.de), on its own keep-alive connection."""

    def __init__(self, proxy: NginxProxy) -> None:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # self-signed; TLS is not what is tested here
        self.conn = http.client.HTTPSConnection("127.0.0.1", proxy.https_port, context=ctx, timeout=120)
        status, body = self._post("/webhooks/rest/session", b"")
        assert status == 200, body
        self.token = json.loads(body)["session"]

    def _post(self, path: str, body: bytes) -> tuple[int, bytes]:
        self.conn.request("POST", path, body=body, headers={"Host": "www.example.de",
                                                            "Content-Type": "application/json"})
        response = self.conn.getresponse()
        return response.status, response.read()

    def say(self, text: str) -> str:
        status, body = self._post("/webhooks/rest/webhook",
                                  json.dumps({"sender": self.token, "message": text}).encode())
        if status != 200:
            raise AssertionError(f"{text!r}: HTTP {status} {body[:200]!r}")
        return "\n".join(m.get("text", "") for m in json.loads(body))

    def close(self) -> None:
        self.conn.close()


def health(stack) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", stack.settings.rasa_port, timeout=120)
    try:
        conn.request("GET", "/webhooks/rest/health")
        response = conn.getresponse()
        return {"http": response.status, **json.loads(response.read())}
    finally:
        conn.close()


def slots(production: Production, sender: str) -> dict:
    rows = pg_query(production.postgres, TRACKER_DB,
                    "SELECT data FROM events WHERE sender_id = %s AND type_name = 'slot' ORDER BY id", (sender,))
    found: dict = {}
    for row in rows:
        event = json.loads(row["data"])
        found[event["name"]] = event["value"]
    return found


class Traffic:
    """Prospects talking without pause through nginx until stopped; every failure is recorded."""

    TURNS = [("Hallo", "Assistent"), ("Welches Format passt zu uns?", "Wie viele Personen")]
    # seconds a prospect waits before the next message: keeps the test below the rate limits of nginx
    # (10 requests/s per address) and Rasa (RATE_LIMIT_PER_IP 120/min; every request comes from 127.0.0.1)
    THINK_TIME = 1.5

    def __init__(self, proxy: NginxProxy, threads: int = 2) -> None:
        self.proxy, self.stop_event = proxy, threading.Event()
        self.answered, self.failures = 0, []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        deadline = time.monotonic() + 600  # bounded, whatever happens to the test
        while not self.stop_event.is_set() and time.monotonic() < deadline:
            chat = None
            try:
                chat = ProxyChat(self.proxy)
                for message, expected in self.TURNS:
                    self.stop_event.wait(self.THINK_TIME)
                    text = chat.say(message)
                    if expected not in text:
                        raise AssertionError(f"{message!r} -> {text!r} (expected {expected!r})")
                    with self.lock:
                        self.answered += 1
            except Exception as exc:  # every kind of failure counts: refused, 5xx, wrong answer
                with self.lock:
                    self.failures.append(repr(exc))
            finally:
                if chat is not None:
                    chat.close()

    def __enter__(self) -> Traffic:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=180)


def test_publishing_a_model_rolls_it_out_without_a_failed_request(production, proxy, tmp_path):
    assert production.models is not None, "the production fixture serves its model from a model server"
    before = model_server.current(production.models)
    for stack in production.replicas:
        answer = health(stack)
        assert (answer["http"], answer["model"]) == (200, before["file"]), answer

    # a conversation in the middle of the qualification form
    prospect = ProxyChat(proxy)
    assert "Wie viele Personen" in prospect.say("Welches Format passt zu uns?")
    assert "Funktionsbereichen" in prospect.say("wir sind zu dritt")
    sender = conversation_id(prospect.token)
    assert slots(production, sender).get("participants") is not None

    # the same trained model under a new name: a new ETag, so a new model for Rasa
    trained = newest_model(production.env["MODEL_PATH"])
    republished = tmp_path / trained.name.replace(".tar.gz", "-republished.tar.gz")
    shutil.copyfile(trained, republished)

    with Traffic(proxy) as traffic:
        while traffic.answered < 2 and not traffic.failures:
            time.sleep(0.2)
        after = model_server.publish(republished, production.models)
        assert after["etag"] != before["etag"]
        deadline = time.monotonic() + 240
        pending = {0, 1}
        while pending and time.monotonic() < deadline:
            for i in sorted(pending):
                answer = health(production.replicas[i])
                if answer["http"] == 200 and answer["model"] == after["file"]:
                    pending.discard(i)
            time.sleep(0.5)
        assert not pending, f"replicas {sorted(pending)} still answer with the old model\n{production.logs()}"
        answered_at_switch = traffic.answered
        while traffic.answered < answered_at_switch + 4 and not traffic.failures:
            time.sleep(0.2)
    assert traffic.failures == [], f"{len(traffic.failures)} requests failed during the rollout: " \
                                   f"{traffic.failures[:5]}\n{production.logs()}"
    assert traffic.answered >= answered_at_switch + 4

    # both replicas answer with the new model, the fingerprint is the model server's ETag
    for stack in production.replicas:
        answer = health(stack)
        assert (answer["http"], answer["model"], answer["fingerprint"]) == (200, after["file"], after["etag"])

    # the conversation in progress keeps its answers and goes on with the next question of the form
    assert "leisten" in prospect.say("aus Marketing und Vertrieb"), production.logs()
    kept = slots(production, sender)
    assert kept.get("participants") is not None and kept.get("multiple_functions") is not None, kept
    prospect.close()
