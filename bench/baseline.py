"""The reference assistant: the project ``rasa init --no-prompt`` creates (the English moodbot).

The project files are copied from Rasa's own scaffold (``rasa/cli/initial_project``, exactly what
``rasa init`` copies) into ``var/bench/baseline/project`` (git-ignored) at bench time; ``rasa init``'s automatic
training with the default config is skipped because the benchmark trains it itself with our pipeline family.
Its ``config.yml`` gets our pipeline with SpacyNLP removed and SpacyTokenizer replaced by WhitespaceTokenizer
(everything else - featurizers, DIET, ResponseSelector, fallback, policies, epochs, seeds - unchanged), so
the comparison isolates the assistant's own size and code, not the choice of classifier.
"""
from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path
from typing import Any

import yaml

from config import ROOT
from tooling.processes import VENV_BIN

BASE_DIR = ROOT / "var" / "bench" / "baseline"


def scaffold_path() -> Path:
    spec = importlib.util.find_spec("rasa")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("rasa is not installed in this interpreter")
    return Path(list(spec.submodule_search_locations)[0]) / "cli" / "initial_project"


def baseline_config(our_config: Path) -> dict[str, Any]:
    ours = yaml.safe_load(our_config.read_text(encoding="utf-8"))
    pipeline: list[dict[str, Any]] = []
    for component in ours.get("pipeline") or []:
        name = component.get("name")
        if name == "SpacyNLP":
            continue
        if name == "SpacyTokenizer":
            pipeline.append({"name": "WhitespaceTokenizer"})
            continue
        pipeline.append(dict(component))
    return {
        "recipe": ours.get("recipe", "default.v1"),
        "language": "en",
        "assistant_id": "bench-baseline-moodbot",
        "pipeline": pipeline,
        "policies": ours.get("policies"),
    }


def create_project(base_dir: Path = BASE_DIR, our_config: Path = ROOT / "config.yml") -> Path:
    """(Re)create the moodbot project with the derived config; returns the project folder."""
    project = base_dir / "project"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(scaffold_path(), project, ignore=shutil.ignore_patterns("__pycache__"))
    config = baseline_config(our_config)
    header = ("# Written by the benchmark (bench/baseline.py): rasa init's moodbot with the German assistant's "
              "pipeline\n# minus SpacyNLP/SpacyTokenizer (WhitespaceTokenizer instead), same policies and "
              "epochs.\n")
    (project / "config.yml").write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return project


def fingerprint(project: Path) -> str:
    h = hashlib.sha256()
    files = [project / "config.yml", project / "domain.yml", *sorted((project / "data").glob("*.yml"))]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def model_path(base_dir: Path, project: Path) -> Path:
    return base_dir / "models" / f"baseline-{fingerprint(project)}.tar.gz"


def train_command(project: Path, out: Path, force: bool) -> list[str]:
    cmd = [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
           "--out", str(out), "--fixed-model-name", "baseline"]
    return cmd + (["--force"] if force else [])
