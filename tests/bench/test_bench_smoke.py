"""The benchmark command: its error counting, and a quick run against the real servers.

``python -m bench --quick`` starts the assistant itself (about 10 s of load, no training, no baseline) and
writes its results JSON; the test checks the keys, that every figure is a non-negative number and that no
HTTP error occurred. No timed assertion: latencies and throughput are reported, never judged here.
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from numbers import Number
from pathlib import Path

import pytest
from aiohttp import web

from bench.conversations import Script, Turn
from bench.load import run_rest
from tooling.net import free_port
from tooling.processes import base_env

ROOT = Path(__file__).resolve().parents[2]
LEVEL_KEYS = {"channel", "concurrency", "conversations", "conversations_ok", "turns", "p50_ms", "p95_ms", "p99_ms",
              "mean_ms", "max_ms", "wall_s", "throughput_tps", "errors"}
ERROR_KEYS = {"http", "timeout", "connection", "semantic", "total"}


def negative_numbers(node, path="") -> list[str]:
    """Paths of negative numbers anywhere in ``node``."""
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in negative_numbers(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in negative_numbers(v, f"{path}[{i}]")]
    if isinstance(node, Number) and not isinstance(node, bool) and node < 0:
        return [path]
    return []


def check_level(level: dict) -> list[str]:
    problems = [f"missing {k}" for k in sorted(LEVEL_KEYS - set(level))]
    problems += [f"missing errors.{k}" for k in sorted(ERROR_KEYS - set(level.get("errors", {})))]
    if not problems:
        if level["turns"] <= 0:
            problems.append("no turn was answered")
        for key in ("p50_ms", "p95_ms", "p99_ms", "throughput_tps", "wall_s"):
            if not isinstance(level[key], Number):
                problems.append(f"{key} is not a number: {level[key]!r}")
        if level["errors"]["http"]:
            problems.append(f"{level['errors']['http']} HTTP errors: {level.get('error_examples')}")
    return problems


# -- the counting itself, against stand-in servers (fast, no Rasa) -------------------------------------------------
def _script(_index: int) -> Script:
    return Script("test", [Turn("hallo", "text:Guten Tag"), Turn("tschüss", "text:Auf Wiedersehen")], {},
                  must_contain=[])


async def _against(handler, **kwargs):
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        stats = await run_rest(f"http://127.0.0.1:{port}", _script, concurrency=2, conversations=4,
                               max_start_s=10, turn_timeout=kwargs.pop("turn_timeout", 5), sender_prefix="t")
    finally:
        await runner.cleanup()
    return stats.summary()


def test_http_errors_are_counted_and_fail_the_check():
    async def failing(_request):
        return web.Response(status=500, text="boom")

    level = asyncio.run(_against(failing))
    assert level["errors"]["http"] == 4 and level["errors"]["semantic"] == 4 and level["turns"] == 0
    assert any("HTTP errors" in p for p in check_level(level))


def test_timeouts_and_wrong_answers_are_counted():
    async def slow(_request):
        await asyncio.sleep(2)
        return web.json_response([])

    async def wrong(_request):
        return web.json_response([{"recipient_id": "x", "text": "Sorry, I didn't get that."}])

    level = asyncio.run(_against(slow, turn_timeout=0.5))
    assert level["errors"]["timeout"] == 4 and level["errors"]["http"] == 0
    level = asyncio.run(_against(wrong))
    assert level["errors"]["http"] == 0 and level["turns"] == 8
    assert level["unexpected_turns"] and level["first_deviation"]["sent"] == "hallo"


def test_a_healthy_stand_in_passes_the_check():
    async def ok(request):
        text = (await request.json())["message"]
        return web.json_response([{"text": "Guten Tag!" if text == "hallo" else "Auf Wiedersehen!"}])

    level = asyncio.run(_against(ok))
    assert check_level(level) == [] and level["errors"]["total"] == 0 and level["conversations_ok"] == 4


# -- the real thing ----------------------------------------------------------------------------------------------
@pytest.mark.integration
def test_quick_benchmark_against_the_real_servers(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)], cwd=ROOT,
                          env=base_env(), capture_output=True, text=True, timeout=900)
    log = f"exit {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-4000:]}"
    assert out.exists(), log
    results = json.loads(out.read_text())
    assert results["failures"] == [], log
    assert proc.returncode == 0, log
    assert results["meta"]["mode"] == "quick" and "baseline" not in results

    ours = results["ours"]
    for key in ("cold_start_s", "ready_s", "first_turn_ms", "memory_mb", "memory_peak_mb", "rest", "socketio",
                "saturation_tps", "errors_total"):
        assert key in ours, f"missing ours.{key}\n{log}"
    assert set(ours["memory_mb"]) == {"rasa", "actions"} and all(v > 0 for v in ours["memory_mb"].values())
    assert ours["cold_start_s"] >= ours["ready_s"] > 0
    assert set(ours["rest"]) == {"c1", "c10"} and set(ours["socketio"]) == {"c2"}
    problems = [f"{channel}.{name}: {p}" for channel in ("rest", "socketio")
                for name, level in ours[channel].items() for p in check_level(level)]
    assert problems == [], "\n".join(problems) + "\n" + log
    assert negative_numbers(results) == []
    assert {t["status"] for t in results["targets"]} <= {"pass", "MISS", "n/a"}
