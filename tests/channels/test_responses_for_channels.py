"""Every response in domain/*.yml works on every channel.

- Text-only rendering: a response with buttons must still make sense without them (the question is in the
  text; a sentence that only points at the buttons does not count), and no text is longer than 350
  characters (with its placeholders filled).
- Messenger: at most 13 quick replies per message, titles at most 20 characters, payloads at most 1000.
- Telegram: a button's callback_data (the payload) is at most 64 bytes.
The buttons the actions compose (actions/texts.py) are held to the same limits.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions import texts

ROOT = Path(__file__).resolve().parents[2]
MAX_TEXT = 350
MESSENGER_MAX_QUICK_REPLIES = 13
MESSENGER_MAX_TITLE = 20
MESSENGER_MAX_PAYLOAD = 1000
TELEGRAM_MAX_CALLBACK_DATA = 64

# realistic values for the placeholders (the longest we expect)
PLACEHOLDERS = {
    "confirm_question": "Habe ich richtig verstanden: 12 Personen? Bisher hatte ich notiert: 3 Personen.",
    "privacy_url": "https://www.beispiel-beratung.de/datenschutz.html",
    "consultant_contact": "per E-Mail an berater@beispiel-beratung.de oder unter 0171 2345678",
    "contact_name": "Dr. Maria Musterfrau-Beispiel",
    "company": "Musterfirma Beispiel GmbH & Co. KG",
    "email": "maria.musterfrau@musterfirma-beispiel.de",
    "phone": "+49 171 2345678",
    "preferred_contact": "vormittags per Telefon",
    "consultant_name": "Prof. Dr. Annemarie Beispiel-Mustermann",  # a long name: the texts must still fit
}
# sentences that only make sense next to the buttons
POINTS_AT_BUTTONS = re.compile(r"\b(button|buttons|schaltfläche|klicken|tippen sie|unten|oben)\b", re.I)


def load_responses() -> list[tuple[str, int, dict]]:
    found = []
    for path in sorted((ROOT / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for name, variants in (data.get("responses") or {}).items():
            for i, variant in enumerate(variants or []):
                found.append((name, i, variant))
    return found


RESPONSES = load_responses()
WITH_BUTTONS = [(n, i, v) for n, i, v in RESPONSES if v.get("buttons")]


def fill(text: str) -> str:
    def repl(match: re.Match) -> str:
        key = match.group(1)
        assert key in PLACEHOLDERS, f"unknown placeholder {{{key}}}: add a realistic value to PLACEHOLDERS"
        return PLACEHOLDERS[key]

    return re.sub(r"\{(\w+)\}", repl, text)


def without_button_references(text: str) -> str:
    sentences = re.split(r"(?<=[.?!])\s+", text.strip())
    return " ".join(s for s in sentences if not POINTS_AT_BUTTONS.search(s)).strip()


def test_domain_has_responses_with_buttons():
    assert len(WITH_BUTTONS) >= 10


@pytest.mark.parametrize("name, idx, response", RESPONSES, ids=[f"{n}-{i}" for n, i, _ in RESPONSES])
def test_text_is_chat_sized(name, idx, response):
    text = response.get("text") or ""
    assert text.strip(), f"{name}: no text (a channel without buttons or images would show nothing)"
    assert len(fill(text)) <= MAX_TEXT, f"{name}: {len(fill(text))} characters (max {MAX_TEXT})"


@pytest.mark.parametrize("name, idx, response", WITH_BUTTONS, ids=[f"{n}-{i}" for n, i, _ in WITH_BUTTONS])
def test_text_makes_sense_without_its_buttons(name, idx, response):
    text = without_button_references(fill(response["text"]))
    assert text, f"{name}: the text only points at the buttons"
    titles = [b["title"] for b in response["buttons"]]
    assert text.strip() not in titles, f"{name}: the text only repeats a button"
    assert not text.rstrip().endswith(":"), f"{name}: the text ends in a colon, the buttons would finish it"
    assert re.search(r"[.?!…“\"]$|https?://\S+$", text.rstrip()), f"{name}: not a complete sentence: {text!r}"
    if name.startswith(("utter_ask_", "utter_confirm_")):
        # a closed question: the question itself must be in the text, not only in the buttons
        assert "?" in text, f"{name}: the question is only in the buttons: {text!r}"


@pytest.mark.parametrize("name, idx, response", WITH_BUTTONS, ids=[f"{n}-{i}" for n, i, _ in WITH_BUTTONS])
def test_buttons_fit_messenger_quick_replies(name, idx, response):
    buttons = response["buttons"]
    assert len(buttons) <= MESSENGER_MAX_QUICK_REPLIES, f"{name}: {len(buttons)} buttons"
    too_long = [b["title"] for b in buttons if len(b["title"]) > MESSENGER_MAX_TITLE]
    assert not too_long, f"{name}: titles longer than {MESSENGER_MAX_TITLE} characters: {too_long}"
    assert all(b["title"].strip() and b["payload"].strip() for b in buttons), f"{name}: empty title/payload"
    assert all(len(b["payload"]) <= MESSENGER_MAX_PAYLOAD for b in buttons)
    assert len({b["title"] for b in buttons}) == len(buttons), f"{name}: two buttons with the same title"


@pytest.mark.parametrize("name, idx, response", WITH_BUTTONS, ids=[f"{n}-{i}" for n, i, _ in WITH_BUTTONS])
def test_payloads_fit_telegram_callback_data(name, idx, response):
    too_long = [b["payload"] for b in response["buttons"]
                if len(b["payload"].encode("utf-8")) > TELEGRAM_MAX_CALLBACK_DATA]
    assert not too_long, f"{name}: payloads over {TELEGRAM_MAX_CALLBACK_DATA} bytes: {too_long}"


def test_button_titles_composed_by_actions_fit_messenger():
    titles = [value for name, value in vars(texts).items() if name.startswith("BUTTON_") and isinstance(value, str)]
    titles += [v for name, value in vars(texts).items() if name.startswith("BUTTON_") and isinstance(value, dict)
               for v in value.values()]
    assert titles
    too_long = [t for t in titles if len(t) > MESSENGER_MAX_TITLE]
    assert not too_long, f"actions/texts.py: titles longer than {MESSENGER_MAX_TITLE} characters: {too_long}"
