"""The leads package stays plain Python, and only leads/erasure.py knows Rasa's events table."""
from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEADS = ROOT / "leads"
MODULES = sorted(LEADS.rglob("*.py"))
FORBIDDEN_IMPORTS = {"rasa", "rasa_sdk", "actions", "rasa_addons"}
# The table name as a literal ("events", `events`), or named as a table in prose or SQL.
EVENTS_TABLE = re.compile(r"""(["'`])events\1|\btable\W{0,3}events\b|\bevents\W{0,3}table\b|\bfrom\s+events\b""",
                          re.IGNORECASE)


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def mentions_events_table(path: Path) -> bool:
    source = path.read_text(encoding="utf-8")
    return any(
        token.type in (tokenize.COMMENT, tokenize.STRING) and EVENTS_TABLE.search(token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
    )


def test_the_package_has_its_modules():
    names = {path.stem for path in MODULES}
    assert {"errors", "db", "spool", "values", "repository", "outbox", "erasure", "notify", "cli"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(LEADS)))
def test_no_rasa_or_adapter_imports(path):
    assert imported_packages(path) & FORBIDDEN_IMPORTS == set()


def test_only_erasure_knows_the_events_table():
    assert [p.relative_to(LEADS).as_posix() for p in MODULES if mentions_events_table(p)] == ["erasure.py"]


@pytest.mark.parametrize("path", ["deploy/purge_conversations.py", "rasa_addons/tracker_store.py"])
def test_the_other_erasers_go_through_leads_erasure(path):
    module = ROOT / path
    assert not mentions_events_table(module)
    assert re.search(r"^from leads\.erasure import ", module.read_text(encoding="utf-8"), re.MULTILINE)


def test_the_pattern_sees_a_mention():
    for text in ('table("events", column("sender_id"))', "Rasa's table ``events``", "# the events table",
                 "SELECT 1 FROM events"):
        assert EVENTS_TABLE.search(text), text
    assert not EVENTS_TABLE.search("the conversation's tracker events are deleted")
