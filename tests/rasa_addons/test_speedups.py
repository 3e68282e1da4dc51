"""The cached action-result validator behaves like Rasa's own check."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_addons import speedups


def test_valid_and_invalid_action_results():
    speedups.install()
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}],
                                           "responses": [{"text": "Hallo"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})
    assert speedups.action_result_validator() is speedups.action_result_validator()  # built once
