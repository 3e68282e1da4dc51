"""Evaluate a trained Rasa NLU model on the held-out test set (and extra files).

Usage:
    python -m tooling.eval_nlu [--model models/] [--data tests/nlu/heldout.yml]
        [--extra PATH ...] [--report var/nlu-report.json] [--min-macro-f1 X]
        [--show-errors N]

The newest ``*.tar.gz`` in ``--model`` (or the given file) is loaded with
``rasa.core.agent.Agent.load`` and every example is parsed in one event loop.
Retrieval intents are compared in full (``faq/post_method``): when the top
intent is a retrieval intent, the response selector's ``intent_response_key``
is used as the prediction.

Printed per data file: number of examples, intent accuracy, macro-F1 and
weighted F1 (over the intents that occur in the file), entity precision /
recall / F1 (exact: type+value+span; loose: type+value), the 15 most frequent
confusions and per-intent F1, lowest first. For every file, intents the model
does not know are listed and a macro-F1 over only the known intents is given.

Exit code: 0, unless --min-macro-f1 is given and the held-out macro-F1 is
below it (1), or the model / a data file cannot be found (2).

The model file is picked by ``tooling.train.newest_model`` (the run command's choice). The examples are read
with Rasa's own loader, not ``tooling.nlu_data``: scoring needs the entity spans, values and full retrieval
intents exactly as Rasa computes them for training. Imports nothing of the assistant itself; Rasa only inside
the functions that need it (it takes seconds to import).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# A vendored package (versioneer) runs read-only `git describe` on import; since
# .venv lives inside the repository it would find the project's repo and print
# git errors. Stop git's repository search at the virtualenv.
os.environ.setdefault("GIT_CEILING_DIRECTORIES", os.path.realpath(sys.prefix))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from config import ROOT  # noqa: E402
from tooling.train import NoModelError, newest_model  # noqa: E402

# Defaults are relative to the repository root; paths given on the command
# line are relative to the current directory.
DEFAULT_MODEL = "models"
DEFAULT_DATA = "tests/nlu/heldout.yml"
DEFAULT_REPORT = "var/nlu-report.json"


def _default_path(value: str, default: str) -> Path:
    path = Path(value)
    if value == default and not path.is_absolute() and not path.exists():
        return ROOT / path
    return path


TOP_CONFUSIONS = 15
NO_INTENT = "<none>"
# Pre-trained extractors (not trained on our data, e.g. Duckling "time"
# dimensions): their entities are reported as ignored, not scored.
PRETRAINED_EXTRACTORS = {"DucklingEntityExtractor", "SpacyEntityExtractor"}

EntityKey = tuple[str, int, int, str]


@dataclass
class Example:
    text: str
    intent: str
    entities: list[dict[str, Any]]


@dataclass
class Prediction:
    intent: str
    confidence: float
    entities: list[dict[str, Any]]
    ranking: list[str] = field(default_factory=list)


class UsageError(Exception):
    """Missing data file: exit code 2 (a missing model is ``tooling.train.NoModelError``, also exit code 2)."""


# --------------------------------------------------------------------------- #
# Loading
# --------------------------------------------------------------------------- #


def load_examples(path: str | Path) -> list[Example]:
    """Intent examples of a Rasa NLU file (YAML); retrieval intents in full."""
    from rasa.shared.nlu.training_data.loading import load_data

    if not Path(path).is_file():
        raise UsageError(f"data file {path} does not exist")
    training_data = load_data(str(path))
    examples = []
    for message in training_data.intent_examples:
        text = message.get("text")
        if not text:
            continue
        intent = message.get_full_intent() or message.get("intent") or NO_INTENT
        entities = [dict(e) for e in (message.get("entities") or [])]
        examples.append(Example(text=text, intent=intent, entities=entities))
    return examples


def quiet_rasa() -> None:
    """Keep Rasa/TensorFlow output to errors only."""
    logging.basicConfig(level=logging.ERROR)
    # Some dependencies (sanic, ...) re-enable DeprecationWarnings on import;
    # none of them is actionable here, so warnings are not shown at all.
    warnings.showwarning = lambda *args, **kwargs: None
    for name in ("rasa", "tensorflow", "absl", "h5py", "matplotlib", "sanic"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    try:
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        configure_logging_and_warnings(logging.ERROR)
        configure_structlog(logging.ERROR)
    except Exception:  # pragma: no cover - older/newer Rasa layouts
        pass
    warnings.filterwarnings("ignore")  # Rasa re-installs its own filters above


def load_agent(model_path: Path) -> Any:
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


def _components(agent: Any) -> list[Any]:
    """The trained graph components of the loaded model (best effort)."""
    runner = getattr(getattr(agent, "processor", None), "graph_runner", None)
    nodes = getattr(runner, "_instantiated_nodes", None) or {}
    components = [getattr(node, "_component", None) for node in nodes.values()]
    return [c for c in components if c is not None]


def model_synonyms(agent: Any) -> dict[str, str]:
    """Lower-cased entity value -> synonym, from the model's EntitySynonymMapper."""
    synonyms: dict[str, str] = {}
    for component in _components(agent):
        mapping = getattr(component, "synonyms", None)
        if isinstance(mapping, dict) and hasattr(component, "replace_synonyms"):
            synonyms.update(
                {str(k).lower(): str(v) for k, v in mapping.items() if str(k).lower() != str(v).lower()}
            )
    return synonyms


def known_labels(agent: Any) -> set[str]:
    """Every intent (and full retrieval intent) the loaded model can predict.

    Taken from the label mappings of the trained intent classifiers and
    response selectors; only if none is found (e.g. a keyword-only pipeline)
    from the model's domain, which also lists Rasa's default intents.
    """
    labels: set[str] = set()
    for component in _components(agent):
        mapping = getattr(component, "index_label_id_mapping", None)
        if not isinstance(mapping, dict) or not mapping:
            continue
        responses = getattr(component, "responses", None)
        if isinstance(responses, dict) and hasattr(component, "retrieval_intent"):
            # ResponseSelector: labels are intent_response_keys or response texts.
            labels.update(key[len("utter_") :] for key in responses if key.startswith("utter_"))
            labels.update(str(v) for v in mapping.values() if "/" in str(v))
        else:
            labels.update(str(v) for v in mapping.values())
    if labels:
        return labels
    domain = getattr(agent, "domain", None)
    if domain is not None:
        labels.update(domain.intents)
        labels.update(
            key[len("utter_") :] for key in domain.responses if key.startswith("utter_") and "/" in key
        )
    return labels


def prediction_from_parse(parse: dict[str, Any]) -> Prediction:
    intent = parse.get("intent") or {}
    name = intent.get("name") or NO_INTENT
    confidence = float(intent.get("confidence") or 0.0)
    selector = parse.get("response_selector") or {}
    full = intent.get("full_retrieval_intent_name")
    if not full and name in selector:
        full = ((selector.get(name) or {}).get("response") or {}).get("intent_response_key")
    if full:
        name = full
    ranking = [r.get("name") for r in parse.get("intent_ranking") or [] if r.get("name")]
    return Prediction(
        intent=name,
        confidence=confidence,
        entities=list(parse.get("entities") or []),
        ranking=ranking,
    )


async def _parse_all(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


def parse_all(agent: Any, texts: list[str]) -> list[Prediction]:
    parses = asyncio.run(_parse_all(agent, texts))
    return [prediction_from_parse(p) for p in parses]


# --------------------------------------------------------------------------- #
# Metrics (pure functions, no Rasa)
# --------------------------------------------------------------------------- #


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _norm_value(value: Any) -> str:
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    return " ".join(str(value).lower().split())


def entity_key(entity: dict[str, Any], text: str, synonyms: dict[str, str] | None = None) -> EntityKey:
    """(type, start, end, normalised value); ``synonyms`` maps gold values the
    way the model's EntitySynonymMapper maps its predictions."""
    start, end = int(entity.get("start", -1)), int(entity.get("end", -1))
    value = entity.get("value")
    if value is None and 0 <= start <= end:
        value = text[start:end]
    if synonyms and not isinstance(value, dict):
        value = synonyms.get(str(value).lower(), value)
    return (str(entity.get("entity")), start, end, _norm_value(value))


def entity_metrics(
    examples: list[Example],
    predictions: list[Prediction],
    synonyms: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Exact (type+value+span) and loose (type+value) entity P/R/F1.

    Entities from pre-trained extractors (Duckling, spaCy NER) are ignored and
    counted separately. Identical predictions from several extractors (e.g.
    DIET and RegexEntityExtractor) count once.
    """
    exact = Counter()  # type: Counter[str]
    loose = Counter()  # type: Counter[str]
    per_type: dict[str, Counter] = {}
    ignored: Counter = Counter()
    for ex, pred in zip(examples, predictions, strict=True):
        gold = {entity_key(e, ex.text, synonyms) for e in ex.entities}
        predicted = set()
        for e in pred.entities:
            key = entity_key(e, ex.text)
            extractor = str(e.get("extractor") or "")
            if extractor in PRETRAINED_EXTRACTORS:
                ignored[f"{key[0]} ({extractor})"] += 1
            else:
                predicted.add(key)
        tp = gold & predicted
        exact["tp"] += len(tp)
        exact["fp"] += len(predicted - gold)
        exact["fn"] += len(gold - predicted)
        for key in gold | predicted:
            counts = per_type.setdefault(key[0], Counter())
            if key in tp:
                counts["tp"] += 1
            elif key in gold:
                counts["fn"] += 1
            else:
                counts["fp"] += 1
        gold_tv = Counter((k[0], k[3]) for k in gold)
        pred_tv = Counter((k[0], k[3]) for k in predicted)
        common = gold_tv & pred_tv
        loose["tp"] += sum(common.values())
        loose["fp"] += sum((pred_tv - common).values())
        loose["fn"] += sum((gold_tv - common).values())
    return {
        "exact": _prf(exact["tp"], exact["fp"], exact["fn"]),
        "type_value": _prf(loose["tp"], loose["fp"], loose["fn"]),
        "per_type": {t: _prf(c["tp"], c["fp"], c["fn"]) for t, c in sorted(per_type.items())},
        "ignored_predicted_types": dict(ignored),
        "gold_entities": exact["tp"] + exact["fn"],
    }


def intent_metrics(gold: list[str], pred: list[str], known: set[str] | None = None) -> dict[str, Any]:
    """Accuracy, macro/weighted F1 over the gold intents, per-intent scores."""
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    labels = sorted(set(gold))
    n = len(gold)
    result: dict[str, Any] = {
        "examples": n,
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / n if n else 0.0,
        "macro_f1": 0.0,
        "weighted_f1": 0.0,
        "per_intent": {},
        "confusions": [],
    }
    if not n:
        return result
    result["macro_f1"] = float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0))
    result["weighted_f1"] = float(f1_score(gold, pred, labels=labels, average="weighted", zero_division=0))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    result["per_intent"] = {
        label: {
            "precision": float(p[i]),
            "recall": float(r[i]),
            "f1": float(f[i]),
            "support": int(s[i]),
        }
        for i, label in enumerate(labels)
    }
    confusions = Counter((g, q) for g, q in zip(gold, pred, strict=True) if g != q)
    result["confusions"] = [
        {"gold": g, "predicted": q, "count": c} for (g, q), c in confusions.most_common(TOP_CONFUSIONS)
    ]
    if known is not None:
        known_labels_in_file = [label for label in labels if label in known]
        unknown = Counter(g for g in gold if g not in known)
        result["unknown_intents"] = dict(sorted(unknown.items()))
        pairs = [(g, q) for g, q in zip(gold, pred, strict=True) if g in known]
        result["known_examples"] = len(pairs)
        result["known_accuracy"] = sum(g == q for g, q in pairs) / len(pairs) if pairs else 0.0
        result["known_macro_f1"] = (
            float(
                f1_score(
                    [g for g, _ in pairs],
                    [q for _, q in pairs],
                    labels=known_labels_in_file,
                    average="macro",
                    zero_division=0,
                )
            )
            if pairs
            else 0.0
        )
    return result


def evaluate(
    examples: list[Example],
    predictions: list[Prediction],
    known: set[str],
    synonyms: dict[str, str] | None = None,
) -> dict[str, Any]:
    gold = [e.intent for e in examples]
    pred = [p.intent for p in predictions]
    report = intent_metrics(gold, pred, known)
    report["entities"] = entity_metrics(examples, predictions, synonyms)
    report["errors"] = [
        {
            "text": ex.text,
            "gold": ex.intent,
            "predicted": p.intent,
            "confidence": round(p.confidence, 4),
        }
        for ex, p in zip(examples, predictions, strict=True)
        if ex.intent != p.intent
    ]
    return report


# --------------------------------------------------------------------------- #
# Output
# --------------------------------------------------------------------------- #


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def format_report(name: str, report: dict[str, Any], show_errors: int = 0) -> str:
    lines = [f"=== {name} ===", f"examples:            {report['examples']}"]
    lines.append(f"intent accuracy:     {_pct(report['accuracy'])}")
    lines.append(f"intent macro-F1:     {report['macro_f1']:.3f}")
    lines.append(f"intent weighted F1:  {report['weighted_f1']:.3f}")
    unknown = report.get("unknown_intents") or {}
    if unknown:
        lines.append(
            f"intents unknown to the model ({sum(unknown.values())} examples): "
            + ", ".join(f"{k} ({v})" for k, v in unknown.items())
        )
        lines.append(
            f"macro-F1 over known intents only: {report['known_macro_f1']:.3f} "
            f"(accuracy {_pct(report['known_accuracy'])} on "
            f"{report['known_examples']} examples)"
        )
    else:
        lines.append("intents unknown to the model: none")
    ents = report["entities"]
    for label, key in (("exact (type+value+span)", "exact"), ("type+value", "type_value")):
        m = ents[key]
        lines.append(
            f"entities {label:<24} P {m['precision']:.3f}  R {m['recall']:.3f}  "
            f"F1 {m['f1']:.3f}  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
        )
    for etype, m in ents["per_type"].items():
        lines.append(
            f"  {etype:<12} P {m['precision']:.3f}  R {m['recall']:.3f}  "
            f"F1 {m['f1']:.3f}  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
        )
    if ents["ignored_predicted_types"]:
        lines.append(
            "  ignored (pre-trained extractors): "
            + ", ".join(f"{k} ({v})" for k, v in ents["ignored_predicted_types"].items())
        )
    lines.append(f"top {TOP_CONFUSIONS} confusions (gold -> predicted):")
    if not report["confusions"]:
        lines.append("  none")
    for c in report["confusions"]:
        lines.append(f"  {c['count']:3d}  {c['gold']} -> {c['predicted']}")
    lines.append("per-intent F1 (lowest first):")
    lines.append(f"  {'intent':<34} {'F1':>5} {'P':>5} {'R':>5} {'n':>4}")
    for label, m in sorted(report["per_intent"].items(), key=lambda kv: (kv[1]["f1"], kv[0])):
        lines.append(
            f"  {label:<34} {m['f1']:.2f}  {m['precision']:.2f}  {m['recall']:.2f} {m['support']:4d}"
        )
    if show_errors and report["errors"]:
        lines.append(f"misclassified examples (first {show_errors}):")
        for e in report["errors"][:show_errors]:
            lines.append(f"  [{e['gold']} -> {e['predicted']} {e['confidence']:.2f}] {e['text']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# CLI
# --------------------------------------------------------------------------- #


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Evaluate the newest trained Rasa model on held-out NLU data."
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help="model file or folder with *.tar.gz (newest is used); default: models/",
    )
    parser.add_argument("--data", default=DEFAULT_DATA, help=f"held-out NLU file; default: {DEFAULT_DATA}")
    parser.add_argument(
        "--extra",
        nargs="*",
        action="extend",
        default=[],
        metavar="PATH",
        help="additional NLU files, each evaluated and printed separately",
    )
    parser.add_argument(
        "--report", default=DEFAULT_REPORT, help=f"JSON report path; default: {DEFAULT_REPORT}"
    )
    parser.add_argument(
        "--min-macro-f1",
        type=float,
        default=None,
        metavar="X",
        help="exit 1 if the held-out intent macro-F1 is below X",
    )
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="also print the first N misclassified examples per file",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.monotonic()
    try:
        model_path = newest_model(_default_path(args.model, DEFAULT_MODEL))
        datasets = [("heldout", _default_path(args.data, DEFAULT_DATA))] + [
            (f"extra: {p}", Path(p)) for p in args.extra
        ]
        quiet_rasa()
        loaded = [(name, path, load_examples(path)) for name, path in datasets]
    except (UsageError, NoModelError) as exc:
        print(f"eval_nlu: error: {exc}", file=sys.stderr)
        return 2

    print(f"model: {model_path}")
    agent = load_agent(model_path)
    known = known_labels(agent)
    synonyms = model_synonyms(agent)
    print(
        f"model knows {len(known)} intents/retrieval intents; "
        f"{len(synonyms)} entity synonyms applied to gold values"
    )
    load_seconds = time.monotonic() - started

    reports: dict[str, Any] = {}
    for name, path, examples in loaded:
        t0 = time.monotonic()
        predictions = parse_all(agent, [e.text for e in examples])
        report = evaluate(examples, predictions, known, synonyms)
        report["file"] = str(path)
        report["parse_seconds"] = round(time.monotonic() - t0, 2)
        reports[name] = report
        print()
        print(format_report(f"{name} ({path})", report, args.show_errors))

    heldout = reports["heldout"]
    passed = args.min_macro_f1 is None or heldout["macro_f1"] >= args.min_macro_f1
    summary = {
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": str(model_path),
        "known_intents": sorted(known),
        "entity_synonyms_applied_to_gold": len(synonyms),
        "min_macro_f1": args.min_macro_f1,
        "passed": passed,
        "load_seconds": round(load_seconds, 2),
        "total_seconds": round(time.monotonic() - started, 2),
        "datasets": reports,
    }
    report_path = Path(args.report)
    if args.report == DEFAULT_REPORT and not report_path.is_absolute():
        report_path = ROOT / report_path
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(f"report written to {report_path} ({summary['total_seconds']:.1f} s)")
    if not passed:
        print(
            f"FAIL: held-out intent macro-F1 {heldout['macro_f1']:.3f} is below "
            f"--min-macro-f1 {args.min_macro_f1:.3f}",
            flush=True,
        )
        return 1
    if args.min_macro_f1 is not None:
        print(f"OK: held-out intent macro-F1 {heldout['macro_f1']:.3f} >= {args.min_macro_f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
