"""Record conversations against the running assistant and write them as Rasa test stories.

Story tests (tests/test_*.yml) must replay every slot the forms set, which is tedious and error-prone by
hand. This tool plays scripted German conversations over REST against a stack it starts itself, reads the
resulting trackers from the tracker store, and prints them in Rasa's test-story format. A person reviews
the output (is this what the assistant should do?) before it is committed; from then on `rasa test`
checks that the trained model still predicts exactly these actions.

Usage: python -m tooling.record_story SCRIPT.yml > tests/test_NAME.yml
SCRIPT.yml: {conversations: [{name: "...", messages: ["Hallo", "/request_recommendation", ...]}]}
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import urllib.request
from pathlib import Path

import yaml

from config import ROOT
from rasa_addons.sessions import conversation_id
from tooling.stack import NO_RATE_LIMITS, Stack, free_ports_env, open_session


def say(rasa_url: str, sender: str, text: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    req = urllib.request.Request(f"{rasa_url}/webhooks/rest/webhook", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


async def load_story(db: Path, sender: str, name: str):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(ROOT / "domain"))
    store = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    tracker = await store.retrieve_full_tracker(sender)
    story = tracker.as_story()
    for step in story.story_steps:
        step.block_name = name
    return story.story_steps


def main(argv: list[str] | None = None) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    script = yaml.safe_load(Path(argv[0]).read_text())
    var = Path(tempfile.mkdtemp(prefix="record-"))
    steps = []
    with Stack(env={**free_ports_env(var), **NO_RATE_LIMITS},
               with_web=False) as stack:
        for conversation in script["conversations"]:
            token = open_session(stack.rasa_url)
            sender = conversation_id(token)
            for message in conversation["messages"]:
                replies = say(stack.rasa_url, token, message)
                print(f"# {conversation['name']}: > {message}", file=sys.stderr)
                for r in replies:
                    print(f"#    < {r.get('text', '')[:110]}", file=sys.stderr)
            steps += asyncio.run(load_story(var / "rasa.db", sender, conversation["name"]))
    from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

    print(YAMLStoryWriter().dumps(steps, is_test_story=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
