"""The NLU evaluation command (``python -m tooling.eval_nlu``): its usage errors, which need no model and no Rasa.

The evaluation itself runs as a stage of the test command (scripts/test.sh) against the trained model.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_eval(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tooling.eval_nlu", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_a_folder_without_a_model_exits_2(tmp_path):
    result = run_eval("--model", str(tmp_path), "--report", str(tmp_path / "report.json"))
    assert result.returncode == 2
    assert result.stderr.startswith("eval_nlu: error: no trained model (*.tar.gz) in ")
    assert not (tmp_path / "report.json").exists()


def test_a_missing_model_path_exits_2(tmp_path):
    result = run_eval("--model", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "eval_nlu: error: model path" in result.stderr and "does not exist" in result.stderr


def test_the_flags_are_documented():
    result = run_eval("--help")
    assert result.returncode == 0
    for flag in ("--model", "--data", "--extra", "--report", "--min-macro-f1", "--show-errors"):
        assert flag in result.stdout
