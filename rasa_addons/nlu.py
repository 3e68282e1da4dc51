"""NLU components: the German spelling normaliser and the facts-aware intent router.

``GermanSpellingNormalizer``:
Placed after the tokenizer, it rewrites every token's *lemma* (which the CountVectorsFeaturizers read with
``use_lemma: true``) to a folded form: lower case, ä/ö/ü/ß as ae/oe/ue/ss, and runs of three or more equal
letters squashed ("schööön" -> "schoen"). "Prüfen", "pruefen" and "PRÜFEN" then produce the same word and
character n-gram features. The token text, its offsets and so entity extraction stay untouched.

``FactsIntentRouter``: see its docstring and ``advisor.german.opening``.
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
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor.german.opening import route
from advisor.german.text import UMLAUT_FOLD

_REPEATS = re.compile(r"(\w)\1{2,}")


class _Stateless(GraphComponent):
    """A component without configuration or trained state: created fresh, nothing to persist."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()


def fold(word: str) -> str:
    word = _REPEATS.sub(r"\1", unicodedata.normalize("NFC", word).lower())
    return word.translate(UMLAUT_FOLD)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class GermanSpellingNormalizer(_Stateless):
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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class FactsIntentRouter(_Stateless):
    """Placed last in the pipeline: a message that states facts about the prospect goes into the
    qualification even when the classifier took it for a greeting or a general question
    (``advisor.german.opening.route``). The classifier's guess stays in ``intent_ranking``; the changed intent
    is marked ``"routed_from"`` so logs and tests can see the arbitration."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get("name")
            if not name:
                continue
            routed = route(name, message.get(TEXT) or "")
            if routed != name:
                message.set(INTENT, {"name": routed, "confidence": max(float(intent.get("confidence") or 0), 0.95),
                                     "routed_from": name}, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
