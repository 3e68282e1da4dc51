"""Score a facts reader on the held-out understanding set (tests/understanding/heldout_answers.yml).

Usage:
    python -m tooling.eval_understanding [--data PATH] [--report var/test-reports/understanding.json]
        [--min-field-accuracy X] [--max-silent-wrong Y] [--fields f1,f2] [--show-errors N]

The reader is ``advisor.german.facts.read_facts(text, asked)`` (imported only when the CLI runs); ``asked``
is the item's ``asked`` value, None for "opening". It returns ``{field: value}``.

Scoring (see tests/understanding/README.md), for every item and every field that occurs in any ``expect``:
expected and predicted equal -> correct; expected but not predicted -> missed; expected and predicted
differently -> wrong (a silent wrong value); predicted but not expected -> false positive (a silent wrong
fact). A predicted value of None counts as "not predicted"; anything else (also ``[]`` or False) is a fact.
Keys the set never expects are not scored; they are only counted (``unscored_keys``).

Values are compared after normalising (``canonical``): "unknown" or ``advisor.german.interpret.UNKNOWN``
for "weiß nicht"; participants as a number (3 == 3.0, but True is not 1); yes/no fields, consent,
no_phone and no_email as bools; departments, goals and strategy_parts as sets; contact_name and company
case-insensitive with whitespace collapsed; email lower-cased; phone exact.

Printed: a table per field (support, accuracy, missed, wrong, false positives, precision), lowest accuracy
first; overall item exact-match rate, micro accuracy, silent-wrong share = (wrong + false positives) /
predicted facts, and exact match per ``asked`` group. Item ids and texts are never printed or written (do
not tune item by item); ``--show-errors N`` prints the N most frequent error classes (field, kind, expected
value, predicted value), with the values of the identity fields (name, company, email, phone) masked.

Facts the reader only offers for confirmation (``advisor.german.facts.read_graded(text, asked).unsure``: the form
asks "Habe ich richtig verstanden: …?" before storing them) are not predicted facts, so never silent wrong; they
are counted apart: how many confirmation questions, and how many of them a prospect would answer with yes
(the value is right) or no (the question comes again).

Exit code: 0; 1 if a given --min-field-accuracy / --max-silent-wrong is violated (over the --fields only,
if given); 2 if the data file is invalid or the reader cannot be imported.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from config import ROOT

DEFAULT_DATA = ROOT / "tests" / "understanding" / "heldout_answers.yml"
DEFAULT_REPORT = ROOT / "var" / "test-reports" / "understanding.json"
READER_MODULE = "advisor.german.facts"
OPENING = "opening"
UNKNOWN_VALUE = "unknown"

NUMBER_FIELDS = frozenset({"participants"})
CHOICE_FIELDS = frozenset({"experience"})  # none / first_steps / basic / unknown
BOOL_FIELDS = frozenset({
    "multiple_functions", "specific_approach", "broaden", "attitude_formed", "decision_made",
    "need_recognised", "cross_functional", "platform_knowledge", "strategy_exists", "consent",
    "no_phone", "no_email",
})
SET_FIELDS = frozenset({"departments", "goals", "strategy_parts"})
NAME_FIELDS = frozenset({"contact_name", "company"})
IDENTITY_FIELDS = frozenset({"contact_name", "company", "email", "phone"})  # values masked in error classes
KNOWN_FIELDS = NUMBER_FIELDS | CHOICE_FIELDS | BOOL_FIELDS | SET_FIELDS | NAME_FIELDS | {"email", "phone"}

Reader = Callable[[str, "str | None"], Mapping[str, Any]]


class DataError(ValueError):
    """The held-out file is missing or not in the documented format."""


class ReaderUnavailableError(ImportError):
    """The facts reader module or its ``read_facts`` function cannot be imported."""


class _Invalid:
    """A predicted value that cannot be normalised: never equal to anything but itself."""

    def __init__(self, value: Any) -> None:
        self.shown = repr(value)

    def __repr__(self) -> str:
        return f"invalid:{self.shown}"


def _unknown_sentinels() -> tuple[object, ...]:
    try:
        from advisor.german.facts import UNKNOWN
    except ImportError:  # pragma: no cover - the module is part of the project
        return ()
    return (UNKNOWN,)


def _is_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() == UNKNOWN_VALUE
    return any(value is s for s in _unknown_sentinels())


def canonical(name: str, value: Any) -> Any:
    """The comparable form of ``value`` for field ``name`` (an ``_Invalid`` if it has the wrong type)."""
    if _is_unknown(value):
        return UNKNOWN_VALUE
    if name in BOOL_FIELDS:
        return value if isinstance(value, bool) else _Invalid(value)
    if name in NUMBER_FIELDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return _Invalid(value)
        return int(value) if float(value).is_integer() else float(value)
    if name in SET_FIELDS:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            return _Invalid(value)
        items = list(value)
        if not all(isinstance(v, str) for v in items):
            return _Invalid(value)
        return frozenset(v.strip() for v in items)
    if not isinstance(value, str):
        return _Invalid(value)
    if name in NAME_FIELDS:
        return " ".join(value.split()).casefold()
    if name == "email":
        return value.strip().lower()
    return value  # phone (exact E.164), experience (exact code)


@dataclass
class FieldScore:
    support: int = 0
    correct: int = 0
    missed: int = 0
    wrong: int = 0
    false_positives: int = 0

    @property
    def predicted(self) -> int:
        return self.correct + self.wrong + self.false_positives

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.support if self.support else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    def as_dict(self) -> dict[str, Any]:
        return {"support": self.support, "correct": self.correct, "accuracy": _round(self.accuracy),
                "missed": self.missed, "wrong": self.wrong, "false_positives": self.false_positives,
                "predicted": self.predicted, "precision": _round(self.precision)}


@dataclass
class Score:
    items: int = 0
    exact: int = 0
    fields: dict[str, FieldScore] = field(default_factory=dict)
    by_asked: dict[str, list[int]] = field(default_factory=dict)  # asked -> [items, exact]
    empty_expect: list[int] = field(default_factory=lambda: [0, 0])  # [items, nothing predicted]
    reader_errors: Counter = field(default_factory=Counter)  # exception type name -> count
    unscored_keys: Counter = field(default_factory=Counter)
    error_classes: Counter = field(default_factory=Counter)  # (field, kind, expected, predicted) -> count

    def totals(self, names: Iterable[str] | None = None) -> FieldScore:
        total = FieldScore()
        for name in self.fields if names is None else names:
            s = self.fields[name]
            total.support += s.support
            total.correct += s.correct
            total.missed += s.missed
            total.wrong += s.wrong
            total.false_positives += s.false_positives
        return total

    def silent_wrong_share(self, names: Iterable[str] | None = None) -> float:
        t = self.totals(names)
        return (t.wrong + t.false_positives) / t.predicted if t.predicted else 0.0

    @property
    def exact_rate(self) -> float | None:
        return self.exact / self.items if self.items else None


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "<missing>"
    if name in IDENTITY_FIELDS and not isinstance(value, _Invalid) and value != UNKNOWN_VALUE:
        return "<value>"
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    return repr(value) if isinstance(value, _Invalid) else json.dumps(value, ensure_ascii=False)


def score(items: list[Mapping[str, Any]], reader: Reader) -> Score:
    """Score ``reader`` on ``items`` (each with ``asked``, ``text``, ``expect``). Pure apart from calling it."""
    names = sorted({k for item in items for k in item["expect"]})
    result = Score(fields={n: FieldScore() for n in names})
    for item in items:
        asked = item["asked"]
        expect = item["expect"]
        try:
            raw = reader(item["text"], None if asked == OPENING else asked)
            if not isinstance(raw, Mapping):
                raise TypeError(f"read_facts returned {type(raw).__name__}, not a mapping")
            predicted = {k: v for k, v in raw.items() if v is not None}
        except Exception as exc:  # a crash counts as predicting nothing; counted and reported
            result.reader_errors[type(exc).__name__] += 1
            predicted = {}
        for key in predicted:
            if key not in result.fields:
                result.unscored_keys[str(key)] += 1
        item_exact = True
        for name in names:
            exp = canonical(name, expect[name]) if name in expect else None
            pred = canonical(name, predicted[name]) if name in predicted else None
            s = result.fields[name]
            if exp is None and pred is None:
                continue
            if exp is not None:
                s.support += 1
            if exp is not None and exp == pred:
                s.correct += 1
                continue
            item_exact = False
            kind = "missed" if pred is None else "false_positive" if exp is None else "wrong"
            if kind == "missed":
                s.missed += 1
            elif kind == "wrong":
                s.wrong += 1
            else:
                s.false_positives += 1
            result.error_classes[(name, kind, _shown(name, exp), _shown(name, pred))] += 1
        result.items += 1
        result.exact += item_exact
        group = result.by_asked.setdefault(asked, [0, 0])
        group[0] += 1
        group[1] += item_exact
        if not expect:
            result.empty_expect[0] += 1
            result.empty_expect[1] += not any(k in result.fields for k in predicted)
    return result


@dataclass
class Confirmations:
    """Facts offered for confirmation instead of being stored: right (a "Ja" stores the expected value) or
    denied (wrong value or no fact at all: the prospect says "Nein" and the question comes again)."""

    asked: int = 0
    right: int = 0
    denied: int = 0


def confirmations(items: list[Mapping[str, Any]], unsure_reader: Reader) -> Confirmations:
    result = Confirmations()
    for item in items:
        asked = item["asked"]
        try:
            raw = unsure_reader(item["text"], None if asked == OPENING else asked)
            offered = {k: v for k, v in raw.items() if v is not None}
        except Exception:  # noqa: BLE001 - a crash offers nothing; the main score counts reader errors
            offered = {}
        for name, value in offered.items():
            if name not in KNOWN_FIELDS:
                continue
            result.asked += 1
            expected = item["expect"].get(name)
            if expected is not None and canonical(name, expected) == canonical(name, value):
                result.right += 1
            else:
                result.denied += 1
    return result


def load_unsure_reader() -> Reader | None:
    """``read_graded(text, asked).unsure`` of the reader module, or None when it has no such tier."""
    try:
        module = importlib.import_module(READER_MODULE)
    except ImportError:
        return None
    graded = getattr(module, "read_graded", None)
    if not callable(graded):
        return None
    return lambda text, asked: graded(text, asked).unsure


def load_items(path: str | Path) -> list[dict[str, Any]]:
    """The held-out items, checked: unique string ids, string asked/text, mapping expect of known fields."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise DataError(f"{path}: expected a non-empty list of items")
    seen: set[str] = set()
    for n, item in enumerate(data):
        where = f"{path}: item {n}"
        if not isinstance(item, dict) or set(item) != {"id", "asked", "text", "expect"}:
            raise DataError(f"{where}: expected exactly the keys id, asked, text, expect")
        if not all(isinstance(item[k], str) and item[k].strip() for k in ("id", "asked", "text")):
            raise DataError(f"{where}: id, asked and text must be non-empty strings")
        if item["id"] in seen:
            raise DataError(f"{where}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        if item["asked"] != OPENING and item["asked"] not in KNOWN_FIELDS:
            raise DataError(f"{where}: unknown asked value {item['asked']!r}")
        expect = item["expect"]
        if not isinstance(expect, dict):
            raise DataError(f"{where}: expect must be a mapping")
        for name, value in expect.items():
            if name not in KNOWN_FIELDS:
                raise DataError(f"{where}: unknown field {name!r}")
            if value is None or isinstance(canonical(name, value), _Invalid):
                raise DataError(f"{where}: value of {name!r} has the wrong type")
    return data


def load_reader() -> Reader:
    try:
        module = importlib.import_module(READER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and READER_MODULE.startswith(exc.name):
            raise ReaderUnavailableError(
                f"the facts reader {READER_MODULE} does not exist yet (expected "
                f"{READER_MODULE}.read_facts(text, asked) -> dict)") from exc
        raise ReaderUnavailableError(f"{READER_MODULE} cannot be imported: {exc}") from exc
    reader = getattr(module, "read_facts", None)
    if not callable(reader):
        raise ReaderUnavailableError(f"{READER_MODULE} has no function read_facts(text, asked)")
    return reader


def violations(result: Score, names: list[str], min_field_accuracy: float | None,
               max_silent_wrong: float | None) -> list[str]:
    out = []
    if min_field_accuracy is not None:
        for name in names:
            acc = result.fields[name].accuracy
            if acc is not None and acc < min_field_accuracy:
                out.append(f"{name}: accuracy {acc:.3f} < {min_field_accuracy}")
    if max_silent_wrong is not None:
        share = result.silent_wrong_share(names)
        if share > max_silent_wrong:
            out.append(f"silent-wrong share {share:.3f} > {max_silent_wrong}")
    return out


def report(result: Score, names: list[str], show_errors: int) -> dict[str, Any]:
    total = result.totals()
    out: dict[str, Any] = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "items": result.items,
        "exact_match": result.exact,
        "exact_match_rate": _round(result.exact_rate),
        "micro_accuracy": _round(total.accuracy),
        "predicted_facts": total.predicted,
        "silent_wrong": total.wrong + total.false_positives,
        "silent_wrong_share": _round(result.silent_wrong_share()),
        "checked_fields": names,
        "checked_silent_wrong_share": _round(result.silent_wrong_share(names)),
        "empty_expect": {"items": result.empty_expect[0], "nothing_predicted": result.empty_expect[1]},
        "reader_errors": dict(result.reader_errors),
        "unscored_keys": dict(result.unscored_keys),
        "fields": {n: s.as_dict() for n, s in sorted(result.fields.items())},
        "by_asked": {a: {"items": g[0], "exact_match": g[1], "exact_match_rate": _round(g[1] / g[0])}
                     for a, g in sorted(result.by_asked.items())},
    }
    if show_errors:
        out["error_classes"] = [
            {"field": f, "kind": k, "expected": e, "predicted": p, "count": c}
            for (f, k, e, p), c in result.error_classes.most_common(show_errors)]
    return out


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def print_summary(result: Score, names: list[str], show_errors: int, seconds: float) -> None:
    rows = sorted(result.fields.items(), key=lambda kv: (kv[1].accuracy is None, kv[1].accuracy or 0, kv[0]))
    print(f"{'field':<20} {'supp':>5} {'acc':>7} {'missed':>6} {'wrong':>6} {'fp':>5} {'prec':>7}")
    for name, s in rows:
        mark = "" if name in names else "  (not checked)"
        print(f"{name:<20} {s.support:>5} {_pct(s.accuracy):>7} {s.missed:>6} {s.wrong:>6} "
              f"{s.false_positives:>5} {_pct(s.precision):>7}{mark}")
    total = result.totals()
    print()
    print(f"items {result.items}, exact match {result.exact} ({_pct(result.exact_rate).strip()}), "
          f"micro accuracy {_pct(total.accuracy).strip()} ({total.correct}/{total.support}), "
          f"{seconds:.1f} s")
    print(f"silent wrong {total.wrong + total.false_positives}/{total.predicted} predicted facts "
          f"({_pct(result.silent_wrong_share()).strip()}: {total.wrong} wrong values, "
          f"{total.false_positives} false positives)")
    if names != sorted(result.fields):
        print(f"checked fields {','.join(names)}: silent wrong {_pct(result.silent_wrong_share(names)).strip()}")
    print(f"'expect: {{}}' items left empty: {result.empty_expect[1]}/{result.empty_expect[0]}")
    if result.reader_errors:
        print("READER ERRORS (counted as nothing predicted): "
              + ", ".join(f"{k} x{v}" for k, v in result.reader_errors.most_common()))
    if result.unscored_keys:
        print("unscored keys returned: " + ", ".join(f"{k} x{v}" for k, v in result.unscored_keys.most_common()))
    print("exact match per asked: " + ", ".join(
        f"{a} {g[1]}/{g[0]}" for a, g in sorted(result.by_asked.items(), key=lambda kv: kv[1][1] / kv[1][0])))
    if show_errors:
        print(f"\n{show_errors} most frequent error classes (field, kind, expected -> predicted):")
        for (f, k, e, p), c in result.error_classes.most_common(show_errors):
            print(f"{c:>4}  {f:<20} {k:<14} {e} -> {p}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.eval_understanding",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="JSON report path")
    parser.add_argument("--min-field-accuracy", type=float, help="every checked field must reach this")
    parser.add_argument("--max-silent-wrong", type=float,
                        help="maximum (wrong + false positives) / predicted facts over the checked fields")
    parser.add_argument("--fields", help="comma-separated fields the thresholds apply to (default: all)")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N",
                        help="print the N most frequent error classes (never item texts or ids)")
    args = parser.parse_args(argv)
    try:
        items = load_items(args.data)
        reader = load_reader()
    except (DataError, ReaderUnavailableError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    names = sorted({k for item in items for k in item["expect"]})
    if args.fields:
        chosen = sorted({f.strip() for f in args.fields.split(",") if f.strip()})
        unknown = [f for f in chosen if f not in names]
        if unknown or not chosen:
            print(f"error: --fields: not fields of the set: {', '.join(unknown) or '(none given)'}",
                  file=sys.stderr)
            return 2
        names = chosen
    start = time.monotonic()
    result = score(items, reader)
    seconds = time.monotonic() - start
    print_summary(result, names, args.show_errors, seconds)
    data = report(result, names, args.show_errors)
    data["seconds"] = round(seconds, 2)
    unsure_reader = load_unsure_reader()
    if unsure_reader is not None:
        confirmed = confirmations(items, unsure_reader)
        data["confirmations"] = {"asked": confirmed.asked, "right": confirmed.right, "denied": confirmed.denied}
        print(f"confirmation questions instead of stored facts: {confirmed.asked} ({confirmed.right} right, "
              f"{confirmed.denied} denied and asked again; not counted as silent wrong)")
    failed = violations(result, names, args.min_field_accuracy, args.max_silent_wrong)
    data["thresholds"] = {"min_field_accuracy": args.min_field_accuracy,
                          "max_silent_wrong": args.max_silent_wrong, "violations": failed}
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"report: {args.report}")
    for line in failed:
        print(f"FAIL {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
