"""NLU inference time per message, in a separate process (TensorFlow stays out of the benchmark's own process).

Usage: python -m bench.nlu_timing MODEL MESSAGES_JSON RESULT_JSON [--warmup N]
Loads the model with ``rasa.core.agent.Agent.load`` and times ``await agent.parse_message(text)`` for every
message after ``--warmup`` untimed parses. Writes load time and per-message statistics to RESULT_JSON.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from bench.stats import percentile


def pick(texts: list[str], n: int) -> list[str]:
    """n messages spread over ``texts`` (deterministic; cycles when there are fewer)."""
    if not texts:
        return []
    if len(texts) >= n:
        step = len(texts) / n
        return [texts[int(i * step)] for i in range(n)]
    return [texts[i % len(texts)] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("messages")
    parser.add_argument("result")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)
    messages = json.loads(Path(args.messages).read_text(encoding="utf-8"))

    t0 = time.perf_counter()
    from rasa.core.agent import Agent

    import_s = time.perf_counter() - t0
    agent = Agent.load(args.model)
    load_s = time.perf_counter() - t0

    async def run() -> list[float]:
        for text in messages[: args.warmup]:
            await agent.parse_message(text)
        times = []
        for text in messages:
            start = time.perf_counter()
            await agent.parse_message(text)
            times.append((time.perf_counter() - start) * 1000.0)
        return times

    times = asyncio.run(run())
    result = {
        "messages": len(times),
        "warmup": min(args.warmup, len(messages)),
        "import_s": round(import_s, 2),
        "load_s": round(load_s, 2),
        "mean_ms": round(sum(times) / len(times), 2),
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(max(times), 2),
    }
    Path(args.result).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
