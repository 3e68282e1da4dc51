"""Action server down (issue 14, faults): the prospect gets a German apology naming how to reach the consultant
(offer.yml), never a 5xx nor silence, and the conversation continues once the action server is back."""
from __future__ import annotations

from tests.support.chat import RestChat
from tooling.stack import Stack, free_ports_env


def test_apology_while_the_action_server_is_down_then_the_conversation_continues(tmp_path):
    stack = Stack(free_ports_env(tmp_path / "var"))
    with stack:
        chat = RestChat(stack.rasa_url)
        assert chat.texts(chat.say("Hallo"))
        stack.stop("actions")
        answer = chat.texts(chat.say("Ich möchte ein Angebot"))  # RestChat asserts HTTP 200
        assert "Entschuldigung" in answer and "kontakt@beispiel-beratung.example" in answer, answer
        assert "+49 30 12345678" in answer
        stack.spawn("actions", [str(a) for a in stack_actions_args(stack)])
        stack.wait_ready({"actions": stack.action_url + "/health"}, 120)
        again = chat.texts(chat.say("Ich möchte ein Angebot"))
        assert again and "Entschuldigung, gerade klemmt" not in again, again


def stack_actions_args(stack: Stack) -> list[str]:
    from tooling.processes import VENV_BIN

    return [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions.actions",
            "--port", str(stack.settings.action_port)]
