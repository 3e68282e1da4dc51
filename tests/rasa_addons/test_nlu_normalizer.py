"""The German spelling normaliser gives both spellings the same features, and leaves offsets alone."""
from __future__ import annotations

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu import GermanSpellingNormalizer, fold


@pytest.mark.parametrize(
    "a,b",
    [("Prüfen", "pruefen"), ("GRÜSSE", "grüße"), ("weiß", "weiss"), ("Schööön", "schoen"), ("daaanke", "danke"),
     ("Übersicht", "uebersicht"), ("Kaffee", "kaffee")],
)
def test_spellings_fold_to_the_same_form(a, b):
    assert fold(a) == fold(b)


def test_lemmas_are_folded_and_text_and_offsets_kept():
    tokens = [Token("Grüße", 0, lemma="Gruß"), Token("Müller", 6)]
    message = Message({TEXT: "Grüße Müller", TOKENS_NAMES[TEXT]: tokens})
    GermanSpellingNormalizer().process([message])
    assert [t.lemma for t in tokens] == ["gruss", "mueller"]
    assert [(t.text, t.start, t.end) for t in tokens] == [("Grüße", 0, 5), ("Müller", 6, 12)]
