"""German spelling normaliser for the NLU pipeline.

Placed after the tokenizer, it rewrites every token's *lemma* (which the CountVectorsFeaturizers read with
``use_lemma: true``) to a folded form: lower case, ä/ö/ü/ß as ae/oe/ue/ss, and runs of three or more equal
letters squashed ("schööön" -> "schoen"). "Prüfen", "pruefen" and "PRÜFEN" then produce the same word and
character n-gram features. The token text, its offsets and so entity extraction stay untouched.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.german.text import UMLAUT_FOLD

_REPEATS = re.compile(r"(\w)\1{2,}")


def fold(word: str) -> str:
    word = _REPEATS.sub(r"\1", unicodedata.normalize("NFC", word).lower())
    return word.translate(UMLAUT_FOLD)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class GermanSpellingNormalizer(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GermanSpellingNormalizer:
        return cls()

    def _normalize(self, message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            token.lemma = fold(token.lemma or token.text)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data
