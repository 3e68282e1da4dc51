"""Train the model only when the training data, the domain or the config changed.

The fingerprint covers config.yml, domain/, data/ and the spaCy pipeline version; the model file is named by
it (models/assistant-<fingerprint>.tar.gz), so a second run with nothing changed returns in well under a
second without starting Rasa at all.
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

from tooling.nlp import PIPELINE_DIR, PIPELINE_VERSION
from tooling.stack import VENV_BIN, base_env

ROOT = Path(__file__).resolve().parent.parent
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
