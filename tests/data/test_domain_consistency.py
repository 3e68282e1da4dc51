"""Data checks that `rasa data validate` does not make: every form slot can be asked and extracted, every
response is used somewhere, every response is German, chat-sized and free of raw slot names."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import yaml

from actions import actions as actions_module
from actions import forms as forms_module

ROOT = Path(__file__).resolve().parents[2]


def _load_dir(path: Path) -> list[dict]:
    return [yaml.safe_load(p.read_text()) or {} for p in sorted(path.rglob("*.yml"))]


DOMAIN_PARTS = _load_dir(ROOT / "domain")
RESPONSES: dict = {k: v for part in DOMAIN_PARTS for k, v in (part.get("responses") or {}).items()}
SLOTS: dict = {k: v for part in DOMAIN_PARTS for k, v in (part.get("slots") or {}).items()}
FORMS: dict = {k: v for part in DOMAIN_PARTS for k, v in (part.get("forms") or {}).items()}
ACTIONS: set = {a for part in DOMAIN_PARTS for a in (part.get("actions") or [])}
INTENTS: set = {i if isinstance(i, str) else next(iter(i)) for part in DOMAIN_PARTS for i in (part.get("intents") or [])}
VALIDATORS = {"qualification_form": forms_module.ValidateQualificationForm,
              "contact_form": forms_module.ValidateContactForm}


def _dialogue_steps() -> list[dict]:
    steps: list[dict] = []

    def walk(items):
        for item in items or []:
            if isinstance(item, dict):
                if "or" in item:
                    walk(item["or"])
                else:
                    steps.append(item)

    for doc in _load_dir(ROOT / "data"):
        for block in (doc.get("rules") or []) + (doc.get("stories") or []):
            walk(block.get("steps"))
            walk(block.get("condition"))
    return steps


STEPS = _dialogue_steps()
USED_IN_DIALOGUE = {s["action"] for s in STEPS if "action" in s}
ACTION_SOURCE = inspect.getsource(actions_module) + inspect.getsource(forms_module)


@pytest.mark.parametrize("form,slot", [(f, s) for f, spec in FORMS.items() for s in spec["required_slots"]])
def test_every_required_form_slot_can_be_asked_and_filled(form: str, slot: str):
    assert slot in SLOTS, f"{form} requires {slot}, which is not a slot"
    assert f"utter_ask_{slot}" in RESPONSES or f"action_ask_{slot}" in ACTIONS, f"nothing asks for {slot}"
    mappings = SLOTS[slot].get("mappings") or []
    assert mappings, f"{slot} has no mapping, so it can never be filled"
    if any(m.get("type") == "custom" for m in mappings):
        validator = VALIDATORS[form]
        assert hasattr(validator, f"extract_{slot}") or slot in validator.READS, \
            f"{slot} has a custom mapping but nothing extracts it"


def test_every_form_is_activated_and_submitted_by_a_rule():
    for form in FORMS:
        assert form in USED_IN_DIALOGUE, f"{form} is never activated"
        assert f"validate_{form}" in ACTIONS


# responses that Rasa's own default actions send (action_restart sends utter_restart)
RASA_DEFAULT_RESPONSES = {"utter_restart"}


def _is_used(name: str) -> bool:
    if name in USED_IN_DIALOGUE or name in RASA_DEFAULT_RESPONSES:
        return True
    if name.startswith("utter_ask_") and name.removeprefix("utter_ask_") in SLOTS:
        return True
    if "/" in name and name.split("/")[0] in USED_IN_DIALOGUE:  # retrieval responses (utter_faq/...)
        return True
    if "/" in name and f'f"{name.split("/")[0]}/{{' in ACTION_SOURCE:  # sent by an action (f"utter_faq/{key}")
        return True
    if re.search(rf"['\"]{re.escape(name)}['\"]", ACTION_SOURCE):
        return True
    if name.startswith("utter_explain_") and "utter_explain_{" in ACTION_SOURCE:
        return name.removeprefix("utter_explain_") in SLOTS or name == "utter_explain_generic"
    return False


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_is_used(name: str):
    assert _is_used(name), f"response {name} is never used"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_responses_are_german_chat_sized_and_show_no_raw_slot_names(name: str):
    for variant in RESPONSES[name]:
        text = variant.get("text", "")
        assert text, f"{name} has a variant without text (text-only channels would show nothing)"
        assert len(text) <= 350, f"{name} is {len(text)} characters"
        assert not re.search(r"\b(du|dich|dir|dein\w*)\b", text), f"{name} must use the formal 'Sie'"
        assert not re.search(r"\b(Please|Sorry|the|you|Hello)\b", text), f"{name} looks English"
        for placeholder in re.findall(r"{(\w+)}", text):
            assert placeholder in SLOTS, f"{name} uses {{{placeholder}}}, which is no slot"
        for button in variant.get("buttons") or []:
            assert 1 <= len(button["title"]) <= 20, f"{name}: button title '{button['title']}' is over 20 chars"
            assert button["payload"].startswith("/")
            intent = button["payload"][1:].split("{")[0]
            assert intent in INTENTS, f"{name}: button payload intent {intent} is not in the domain"


def test_every_intent_used_in_the_dialogue_is_in_the_domain():
    used = {s["intent"] for s in STEPS if "intent" in s}
    assert used <= INTENTS, used - INTENTS
