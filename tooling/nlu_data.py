"""Rasa YAML NLU files read with PyYAML alone: the one home of the NLU example readers.

Used by the held-out file checks (tests/nlu) and the benchmark's NLU messages (bench). The NLU evaluation
(tooling/eval_nlu.py) loads its examples with Rasa's own loader instead: it needs the entity spans and the full
retrieval intents exactly as Rasa computes them for training.
Imports PyYAML only: no Rasa (it takes seconds to import), nothing of the project.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

# [text](entity), [text](entity:value), [text]{"entity": ...}, [text][synonym]
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")


def strip_annotations(example: str) -> str:
    """The example as a user types it: entity markup replaced by its text."""
    return ANNOTATION.sub(lambda m: m.group("text"), example)


def examples_of(block: object) -> list[str]:
    """Example lines of one ``examples: |`` block (or a list of examples), annotations kept."""
    if isinstance(block, list):
        lines = [str(x.get("text", "")) if isinstance(x, dict) else str(x) for x in block]
    elif isinstance(block, str):
        lines = [line.strip()[2:] if line.strip().startswith("- ") else "" for line in block.splitlines()]
    else:
        lines = []
    return [line.strip() for line in lines if line.strip()]


def nlu_items(path: Path) -> list[dict[str, Any]]:
    """The items of the file's ``nlu:`` list (intent, synonym, regex and lookup blocks)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict):
        return []
    return [item for item in doc.get("nlu") or [] if isinstance(item, dict)]


def read_nlu_file(path: Path) -> dict[str, list[str]]:
    """intent -> examples (annotations kept), for every ``- intent:`` item of a Rasa YAML NLU file."""
    result: dict[str, list[str]] = {}
    for item in nlu_items(path):
        if "intent" in item:
            result.setdefault(str(item["intent"]), []).extend(examples_of(item.get("examples")))
    return result


def example_texts(paths: Iterable[Path]) -> list[str]:
    """Every example of the files' ``nlu:`` items as plain text (annotations removed), in file order; a file
    that cannot be read or parsed is skipped."""
    texts: list[str] = []
    for path in paths:
        try:
            items = nlu_items(path)
        except (OSError, yaml.YAMLError):
            continue
        for item in items:
            texts += [text for text in map(strip_annotations, examples_of(item.get("examples"))) if text]
    return texts
