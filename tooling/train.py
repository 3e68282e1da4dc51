"""Train the model only when the training data, the domain or the config changed; which model to serve.

The fingerprint covers config.yml, domain/, data/ and the spaCy pipeline version; the model file is named by
it (models/assistant-<fingerprint>.tar.gz), so a second run with nothing changed returns in well under a
second without starting Rasa at all. ``newest_model`` is the one place that picks a model file from a folder
(the run command, the story tests, the benchmark and the NLU evaluation all use it).
Usage: python -m tooling.train [--force]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from config import ROOT
from tooling.nlp import PIPELINE_DIR, PIPELINE_VERSION
from tooling.processes import VENV_BIN, base_env

INPUTS = ["config.yml", "domain", "data"]
MODELS = ROOT / "models"


def fingerprint() -> str:
    h = hashlib.sha256(f"pipeline={PIPELINE_VERSION}".encode())
    for name in INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def model_path(fp: str | None = None) -> Path:
    return MODELS / f"assistant-{fp or fingerprint()}.tar.gz"


class NoModelError(FileNotFoundError):
    """No trained model where one was expected."""


def newest_model(path: str | Path = MODELS) -> Path:
    """The given model file, or the newest ``*.tar.gz`` in the given folder."""
    path = Path(path)
    if path.is_file():
        return path
    if not path.is_dir():
        raise NoModelError(f"model path {path} does not exist: run `make train`")
    models = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise NoModelError(f"no trained model (*.tar.gz) in {path}: run `make train`")
    return models[-1]


def train(force: bool = False, out: Path = MODELS) -> Path:
    fp = fingerprint()
    target = out / f"assistant-{fp}.tar.gz"
    if target.exists() and not force:
        print(f"model: up to date ({target.relative_to(ROOT)})")
        os.utime(target)  # newest model = the one matching the current data
        return target
    if not (PIPELINE_DIR / "meta.json").exists():
        sys.exit("the German spaCy pipeline is missing: run `python -m tooling.nlp build` first")
    print("training the model (data, domain or config changed; about 2-4 minutes on 2 cores) ...", flush=True)
    start = time.monotonic()
    cmd = [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain",
           "--data", "data", "--out", str(out), "--fixed-model-name", f"assistant-{fp}"]
    if force:
        cmd.append("--force")
    subprocess.run(cmd, cwd=ROOT, env=base_env(), check=True)
    for old in out.glob("assistant-*.tar.gz"):
        if old != target:
            old.unlink()
    print(f"trained in {time.monotonic() - start:.0f} s: {target.relative_to(ROOT)}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the model if anything changed.")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    train(force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
