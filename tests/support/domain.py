"""The assistant's domain (domain/*.yml) merged the way Rasa merges the files, read with PyYAML alone."""
from __future__ import annotations

from typing import Any

import yaml

from tests.support import ROOT

LIST_KEYS = ("intents", "entities", "actions")
MAPPING_KEYS = ("slots", "responses", "forms")


def load_domain() -> dict[str, Any]:
    """intents, entities and actions (lists) and slots, responses and forms (mappings) of every domain file."""
    domain: dict[str, Any] = {key: [] for key in LIST_KEYS} | {key: {} for key in MAPPING_KEYS}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in LIST_KEYS:
            domain[key] += part.get(key) or []
        for key in MAPPING_KEYS:
            domain[key].update(part.get(key) or {})
    return domain


DOMAIN = load_domain()


def domain_buttons(response: str) -> list[dict[str, str]]:
    """The buttons (title, payload) of the response's first variant; KeyError for an unknown response."""
    return DOMAIN["responses"][response][0]["buttons"]
