"""Echoed prospect text is never markup (advisor/markup.py): a table of hostile and ordinary values, each parsed
by the widget's own Markdown parser (remark-parse 5 from web/node_modules, as react-markdown 4 in rasa-webchat
uses it) to show that the escaped value renders as exactly the typed text, with no link, image or emphasis."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from advisor.markup import ECHOED_SLOTS, escape_markdown, escape_slots, for_channel

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "web" / "node_modules"

HOSTILE = [
    "[Sitzung abgelaufen – bitte hier neu anmelden](https://evil.example/phish)",
    "![Logo](https://evil.example/pixel.png)",
    "[klick][1]\n\n[1]: https://evil.example",
    "<https://evil.example/phish>",
    "https://evil.example/phish",
    "Bitte hier: http://evil.example",
    "mailto:boss@evil.example",
    "<img src=x onerror=alert(1)>",
    "<script>alert('xss')</script>",
    "**Dringend** _bitte_ ~~nicht~~ `code`",
    "*Max* __Muster__",
    "# Überschrift",
    "> Zitat",
    "- Liste",
    "+ Liste",
    "1. Punkt",
    "3) Punkt",
    "Name\n===",
    "a | b\n--|--\nc | d",
    "&lt;b&gt; &amp; &#x41;",
    "Back\\slash \\[x\\]",
    "```\ncode\n```",
]
ORDINARY = [
    "Anna Müller", "Müller-Lüdenscheidt GmbH & Co. KG", "Jürgen 😀🚀", "👩‍👩‍👧 Familie", "محمد عبد الله",
    "max.muster@firma.de", "+491711234567", "vormittags (ab 9 Uhr)", "O'Brien", "Dr. Anna Beispiel",
]


def test_ordinary_values_stay_readable():
    for value in ORDINARY:
        assert escape_markdown(value) == value


@pytest.mark.parametrize("value, expected", [
    ("[a](https://x.example)", "\\[a\\](https&#58;//x.example)"),
    ("![a](b)", "!\\[a\\](b)"),
    ("*a* _b_ `c` ~d~ |", "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\|"),
    ("<b>", "&lt;b>"),
    ("&amp; & x", "&amp;amp; & x"),
    ("# a", "\\# a"), ("  > a", "  \\> a"), ("- a", "\\- a"), ("1. a", "1\\. a"), ("a\n2) b", "a\n2\\) b"),
    ("a-b", "a-b"), ("", ""),
])
def test_escape_table(value, expected):
    assert escape_markdown(value) == expected


def test_plain_text_channels_get_the_value_as_typed():
    name = HOSTILE[0]
    assert for_channel(name, "telegram") == for_channel(name, "facebook") == name
    for channel in ("socketio", "collector", "rest", None, "something-new"):
        assert for_channel(name, channel) == escape_markdown(name)
    assert for_channel(None, "socketio") is None and for_channel(3.0, "socketio") == 3.0


def test_only_the_prospects_own_slots_are_escaped():
    slots = {name: "*x*" for name in ECHOED_SLOTS}
    slots.update(privacy_url="https://example.org/datenschutz.html", consultant_name="Dr. *A*", participants=3.0)
    escaped = escape_slots(slots, "socketio")
    assert all(escaped[name] == "\\*x\\*" for name in ECHOED_SLOTS)
    assert escaped["privacy_url"] == slots["privacy_url"] and escaped["consultant_name"] == "Dr. *A*"
    assert escaped["participants"] == 3.0


NODE_SCRIPT = r"""
const unified = require('unified');
const parse = require('remark-parse');
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = input.map((source) => {
  const tree = unified().use(parse, {}).parse(source);
  const types = new Set();
  let text = '';
  (function walk(node) {
    types.add(node.type);
    if (node.type === 'text') text += node.value;
    if (node.type === 'break') text += '\n';
    (node.children || []).forEach(walk);
    if (node.type === 'paragraph') text += '\n\n';
  })(tree);
  return { types: [...types], text: text.trim() };
});
process.stdout.write(JSON.stringify(out));
"""


def render(sources: list[str]) -> list[dict]:
    result = subprocess.run(["node", "-e", NODE_SCRIPT], input=json.dumps(sources), capture_output=True,
                            text=True, cwd=NODE_MODULES.parent, timeout=60, check=True)
    return json.loads(result.stdout)


needs_node = pytest.mark.skipif(shutil.which("node") is None or not (NODE_MODULES / "remark-parse").exists(),
                                reason="node and web/node_modules (make web) are needed for the widget's parser")


@needs_node
def test_the_unescaped_values_would_be_markup():
    """The test can fail: without escaping the widget's parser makes links, images and emphasis."""
    rendered = render(HOSTILE[:2] + [HOSTILE[4], HOSTILE[9]])
    assert "link" in rendered[0]["types"] and "image" in rendered[1]["types"]
    assert "link" in rendered[2]["types"] and "strong" in rendered[3]["types"]


@needs_node
def test_escaped_values_render_as_exactly_the_typed_text():
    # the widget shows values inside a line ("Name: …"); each value is parsed on its own line as well
    values = [v for v in HOSTILE + ORDINARY if "\n" not in v]
    sources = [f"Name: {escape_markdown(v)}" for v in values] + [escape_markdown(v) for v in values]
    rendered = render(sources)
    allowed = {"root", "paragraph", "text"}
    for value, result in zip(values + values, rendered, strict=True):
        assert set(result["types"]) <= allowed, (value, result)
    for value, result in zip(values, rendered[:len(values)], strict=True):
        assert result["text"] == f"Name: {value}", (value, result)
    for value, result in zip(values, rendered[len(values):], strict=True):
        assert result["text"] == value.strip(), (value, result)


@needs_node
def test_multiline_values_make_no_blocks():
    values = [v for v in HOSTILE if "\n" in v]
    for value, result in zip(values, render([escape_markdown(v) for v in values]), strict=True):
        assert set(result["types"]) <= {"root", "paragraph", "text", "break"}, (value, result)
