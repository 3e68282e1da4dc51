"""Ratios, targets and the printed table. Targets are shown as pass/miss, never asserted."""
from __future__ import annotations

from typing import Any


def _levels(results: dict[str, Any], channel: str) -> list[str]:
    keys: list[str] = []
    for side in ("ours", "baseline"):
        for key in (results.get(side) or {}).get(channel) or {}:
            if key not in keys:
                keys.append(key)
    return sorted(keys, key=lambda k: int(k[1:]) if k[1:].isdigit() else 0)


def rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, path in a side's results, unit): the rows of the table, in order."""
    out: list[tuple[str, str, str]] = []
    for channel, title in (("rest", "REST"), ("socketio", "socket.io")):
        for level in _levels(results, channel):
            n = level[1:]
            conv = "conversation" if n == "1" else "concurrent conversations"
            prefix = f"{title}, {n} {conv}"
            for q in ("p50", "p95", "p99"):
                out.append((f"{prefix}: {q} latency", f"{channel}.{level}.{q}_ms", "ms"))
            out.append((f"{prefix}: throughput", f"{channel}.{level}.throughput_tps", "turns/s"))
            out.append((f"{prefix}: errors (http/timeout/conn/semantic)", f"{channel}.{level}.errors", "errors"))
    out += [
        ("Throughput at saturation (best REST level)", "saturation_tps", "turns/s"),
        ("Errors, all load runs", "errors_total", "count"),
        ("Cold start (process start -> first answer)", "cold_start_s", "s"),
        ("RSS Rasa server after the run", "memory_mb.rasa", "MB"),
        ("RSS action server after the run", "memory_mb.actions", "MB"),
        ("Training from scratch (rasa train --force)", "training.full_s", "s"),
        ("No-change retrain: python -m tooling.train", "training.fingerprint_nochange_s", "s"),
        ("No-change retrain: rasa train (Rasa's cache)", "training.rasa_nochange_s", "s"),
        ("NLU parse per message: mean", "nlu.mean_ms", "ms"),
        ("NLU parse per message: p95", "nlu.p95_ms", "ms"),
        ("NLU model load (Agent.load)", "nlu.load_s", "s"),
    ]
    return out


#: path -> (comparison, threshold, shown text); applies to our assistant ("ratio:" paths to the ratio)
TARGETS: dict[str, tuple[str, float, str]] = {
    "rest.c1.p95_ms": ("<=", 100.0, "<= 100 ms"),
    "rest.c50.p95_ms": ("<=", 400.0, "<= 400 ms"),
    "errors_total": ("<=", 0.0, "0"),
    "saturation_tps": (">=", 40.0, ">= 40/s"),
    "ratio:rest.c1.p50_ms": ("<=", 1.5, "ratio <= 1.5"),
    "ratio:rest.c1.p95_ms": ("<=", 1.5, "ratio <= 1.5"),
    "cold_start_s": ("<=", 40.0, "<= 40 s"),
    "memory_mb.rasa": ("<=", 1536.0, "<= 1.5 GB"),
    "memory_mb.actions": ("<=", 250.0, "<= 250 MB"),
    "training.full_s": ("<=", 240.0, "<= 4 min"),
    "training.fingerprint_nochange_s": ("<=", 20.0, "<= 20 s"),
}


def lookup(data: dict[str, Any] | None, path: str) -> Any:
    node: Any = data or {}
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _number(value: Any) -> float | None:
    if isinstance(value, dict) and "total" in value:
        return float(value["total"])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def compute_ratios(results: dict[str, Any]) -> dict[str, float]:
    ratios: dict[str, float] = {}
    for _label, path, unit in rows(results):
        if unit in ("errors", "count"):
            continue
        ours, base = _number(lookup(results.get("ours"), path)), _number(lookup(results.get("baseline"), path))
        if ours is not None and base:
            ratios[path] = round(ours / base, 2)
    return ratios


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, (op, threshold, text) in TARGETS.items():
        if path.startswith("ratio:"):
            value = (results.get("ratios") or {}).get(path.removeprefix("ratio:"))
        else:
            value = _number(lookup(results.get("ours"), path))
        if value is None:
            status = "n/a"
        else:
            ok = value <= threshold if op == "<=" else value >= threshold
            status = "pass" if ok else "MISS"
        out.append({"figure": path, "value": value, "target": f"{op} {threshold:g}", "shown": text,
                    "status": status})
    return out


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):  # error counts
        parts = [value.get(k, 0) for k in ("http", "timeout", "connection", "semantic")]
        return f"{value.get('total', sum(parts))} ({'/'.join(str(p) for p in parts)})"
    if isinstance(value, float):
        if unit == "MB" or abs(value) >= 100:
            return f"{value:.0f}"
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def table(results: dict[str, Any]) -> str:
    ratios = results.get("ratios") or {}
    targets = {t["figure"]: t for t in results.get("targets") or []}
    header = ("figure", "unit", "ours", "baseline", "ratio", "target", "")
    lines = [header]
    for label, path, unit in rows(results):
        ours, base = lookup(results.get("ours"), path), lookup(results.get("baseline"), path)
        if ours is None and base is None:
            continue
        ratio = ratios.get(path)
        target = targets.get(path) or targets.get(f"ratio:{path}")
        lines.append((label, unit if unit not in ("errors", "count") else "", _fmt(ours, unit), _fmt(base, unit),
                      "-" if ratio is None else f"{ratio:.2f}", target["shown"] if target else "",
                      target["status"] if target else ""))
        if target and f"ratio:{path}" in targets and path in targets:  # both an absolute and a ratio target
            t = targets[f"ratio:{path}"]
            lines.append(("  ratio to baseline", "", "", "", "-" if ratio is None else f"{ratio:.2f}", t["shown"],
                          t["status"]))
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(header))]
    rendered = []
    for n, row in enumerate(lines):
        cells = [str(c).ljust(widths[i]) if i in (0, 1, 5) else str(c).rjust(widths[i]) for i, c in enumerate(row)]
        rendered.append("  ".join(cells).rstrip())
        if n == 0:
            rendered.append("  ".join("-" * w for w in widths))
    return "\n".join(rendered)
