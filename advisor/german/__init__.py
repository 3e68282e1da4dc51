"""Understanding typed German answers: every module is a total function over any input.

``text`` (normalisation, tokens, negation-aware phrase matching), ``numbers``, ``participants``,
``answers`` (yes / no with nuance), ``contact`` (name, company, e-mail, phone, consent in any message),
``platforms``, ``focus`` (focus and experience), ``departments``, and ``interpret`` (one answer read for
one criterion, corrections). Pure Python: must not import rasa or rasa_sdk, nor any package of this project
but ``advisor``.
"""
from advisor.german.answers import parse_yes_no
from advisor.german.contact import read_contact
from advisor.german.departments import parse_departments
from advisor.german.focus import parse_experience, parse_focus
from advisor.german.numbers import parse_number_word
from advisor.german.participants import parse_group_hint, parse_participants
from advisor.german.platforms import parse_platform_knowledge, parse_platforms
from advisor.german.text import MAX_TEXT_CHARS, normalize, tokenize

__all__ = [
    "MAX_TEXT_CHARS",
    "normalize",
    "parse_departments",
    "parse_experience",
    "parse_focus",
    "parse_group_hint",
    "parse_number_word",
    "parse_participants",
    "parse_platform_knowledge",
    "parse_platforms",
    "parse_yes_no",
    "read_contact",
    "tokenize",
]
