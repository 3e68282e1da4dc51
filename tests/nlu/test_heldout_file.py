"""Sanity checks on the held-out NLU test set (tests/nlu/heldout.yml).

Does not need a trained model or Rasa: only PyYAML (the file is read with tooling.nlu_data).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tooling.nlu_data import read_nlu_file, strip_annotations

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
INTERFACES = ROOT / "docs" / "interfaces.md"
TRAINING_DIR = ROOT / "data" / "nlu"

MIN_PER_INTENT = 12
MIN_INFORM = 40
# Mentioned in the intents section but not an NLU intent (`/restart` payload).
NOT_NLU_INTENTS = {"restart"}
KNOWN_ENTITIES = {"number", "department", "platform", "email", "phone"}

_ANNOTATED_ENTITY = re.compile(r"\[[^\]]+?\]\((?P<entity>[^:)]+)(?::[^)]*)?\)")


def interface_intents() -> list[str]:
    """Intent names from the '## Intents' section of docs/interfaces.md."""
    text = INTERFACES.read_text(encoding="utf-8")
    match = re.search(r"^## Intents.*?$(.*?)^## ", text, flags=re.S | re.M)
    assert match, "docs/interfaces.md has no '## Intents' section"
    names = re.findall(r"`([^`]+)`", match.group(1))
    intents = [
        n
        for n in names
        if re.fullmatch(r"[a-z][a-z_]*(/[a-z][a-z_]*)?", n)
        and not n.startswith("utter_")
        and n not in NOT_NLU_INTENTS
    ]
    return list(dict.fromkeys(intents))


def normalise(text: str) -> str:
    """Lower-case, NFC, entity markup removed, whitespace collapsed."""
    text = unicodedata.normalize("NFC", strip_annotations(text))
    return " ".join(text.lower().split())


def loose(text: str) -> str:
    """`normalise` and punctuation dropped too ("Ja!" == "ja"): stricter check."""
    return " ".join(re.sub(r"[^\w\s]", " ", normalise(text)).split())


@pytest.fixture(scope="module")
def heldout() -> dict[str, list[str]]:
    return read_nlu_file(HELDOUT)


def test_valid_yaml_and_version() -> None:
    doc = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    assert str(doc.get("version")) == "3.1"
    assert isinstance(doc.get("nlu"), list) and doc["nlu"]
    for item in doc["nlu"]:
        assert set(item) == {"intent", "examples"}, item
        assert isinstance(item["examples"], str), item["intent"]


def test_interface_intents_parsed() -> None:
    intents = interface_intents()
    assert "inform" in intents and "greet" in intents
    assert any(i.startswith("faq/") for i in intents)
    assert "restart" not in intents


def test_every_interface_intent_has_enough_examples(
    heldout: dict[str, list[str]],
) -> None:
    missing = [i for i in interface_intents() if i not in heldout]
    assert not missing, f"intents missing from heldout.yml: {missing}"
    too_few = {
        i: len(heldout[i])
        for i in interface_intents()
        if len(heldout[i]) < (MIN_INFORM if i == "inform" else MIN_PER_INTENT)
    }
    assert not too_few, f"too few examples: {too_few}"


def test_no_unknown_intents(heldout: dict[str, list[str]]) -> None:
    unknown = set(heldout) - set(interface_intents())
    assert not unknown, f"intents not in docs/interfaces.md: {sorted(unknown)}"


def test_each_intent_listed_once() -> None:
    doc = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    counts = Counter(item["intent"] for item in doc["nlu"])
    assert [i for i, n in counts.items() if n > 1] == []


def test_only_contract_entities(heldout: dict[str, list[str]]) -> None:
    used = {
        m.group("entity").strip()
        for examples in heldout.values()
        for ex in examples
        for m in _ANNOTATED_ENTITY.finditer(ex)
    }
    assert used <= KNOWN_ENTITIES, used - KNOWN_ENTITIES
    assert {"number", "department", "platform", "email", "phone"} <= used


def test_no_duplicates_inside_heldout(heldout: dict[str, list[str]]) -> None:
    seen: dict[str, str] = {}
    dupes = []
    for intent, examples in heldout.items():
        for ex in examples:
            key = loose(ex)
            if key in seen:
                dupes.append((ex, seen[key], intent))
            seen[key] = intent
    assert not dupes, f"duplicate examples: {dupes}"


def training_files() -> list[Path]:
    if not TRAINING_DIR.is_dir():
        return []
    return sorted(p for p in TRAINING_DIR.rglob("*") if p.suffix in {".yml", ".yaml"} and p.is_file())


def test_no_overlap_with_training_data(heldout: dict[str, list[str]]) -> None:
    """No held-out example occurs verbatim (case, whitespace and punctuation
    ignored) in any YAML file under data/nlu/."""
    files = training_files()
    if not files:
        pytest.skip("no training data under data/nlu/ yet")
    training: dict[str, str] = {}
    for path in files:
        for examples in read_nlu_file(path).values():
            for ex in examples:
                training.setdefault(loose(ex), path.relative_to(ROOT).as_posix())
    leaked = [
        (intent, ex, training[loose(ex)])
        for intent, examples in heldout.items()
        for ex in examples
        if loose(ex) in training
    ]
    assert not leaked, (
        f"{len(leaked)} held-out examples also appear in data/nlu/ "
        f"(rewrite or remove them from one side): {leaked}"
    )
