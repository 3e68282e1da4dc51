"""The model server (tooling/model_server.py) as Rasa sees it, and its rendering into endpoints.yml."""
from __future__ import annotations

import http.client
import threading

import pytest

from config import Settings
from tooling import model_server
from tooling.runtime_config import endpoints


@pytest.fixture
def served(tmp_path):
    folder = tmp_path / "published"
    server = model_server.serve(folder, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, server.server_address[1]
    server.shutdown()
    server.server_close()


def get(port: int, etag: str | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/model", headers={"If-None-Match": etag} if etag else {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_etag_304_and_a_new_etag_per_published_file(served, tmp_path):
    folder, port = served
    assert get(port)[0] == 404  # nothing published yet: Rasa keeps waiting
    first = tmp_path / "assistant-aaaa.tar.gz"
    first.write_bytes(b"model one")
    model_server.publish(first, folder)
    status, headers, body = get(port)
    assert (status, body, headers["filename"]) == (200, b"model one", "assistant-aaaa.tar.gz")
    etag = headers["ETag"]
    assert get(port, etag)[0] == 304
    # the same content under a new name is a new model for Rasa (and the way to re-publish or roll back)
    renamed = tmp_path / "assistant-aaaa-again.tar.gz"
    renamed.write_bytes(b"model one")
    model_server.publish(renamed, folder)
    status, headers, _ = get(port, etag)
    assert status == 200 and headers["ETag"] != etag
    # rolling back: publishing the first file again brings its ETag back
    model_server.publish(folder / first.name, folder)
    assert get(port)[1]["ETag"] == etag


def test_models_endpoint_only_when_configured(monkeypatch):
    monkeypatch.delenv("MODEL_SERVER_URL", raising=False)
    assert "models" not in endpoints(Settings(action_server_token="t" * 32))
    monkeypatch.setenv("MODEL_SERVER_URL", "http://models.internal:8081/model")
    monkeypatch.setenv("MODEL_PULL_INTERVAL", "15")
    assert endpoints(Settings(action_server_token="t" * 32))["models"] == {
        "url": "http://models.internal:8081/model", "wait_time_between_pulls": 15}
