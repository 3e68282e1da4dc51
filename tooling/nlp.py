"""Build the project's German spaCy pipeline (no pretrained weights, nothing downloaded).

The pipeline is ``spacy.blank("de")`` plus spaCy's lookup lemmatizer, whose tables come from the
``spacy-lookups-data`` package installed from the lock. It is written to a *versioned* folder because Rasa
fingerprints only the model path string: bump ``PIPELINE_VERSION`` whenever the pipeline changes, and the
config's SpacyNLP ``model`` path changes with it, so Rasa retrains.

Usage: python -m tooling.nlp build [--force]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from config import ROOT

PIPELINE_VERSION = "v1"
PIPELINE_NAME = f"de_social_{PIPELINE_VERSION}"
PIPELINE_DIR = ROOT / "build" / "spacy" / PIPELINE_NAME


def build(target: Path = PIPELINE_DIR, force: bool = False) -> Path:
    from importlib.metadata import version

    marker = target / "meta.json"
    if marker.exists() and not force:  # checked without importing spaCy (that pulls in TensorFlow: slow)
        meta = json.loads(marker.read_text())
        if meta.get("spacy_version", "").lstrip(">=<~^").startswith(version("spacy").rsplit(".", 1)[0]):
            print(f"spaCy pipeline: up to date ({target.relative_to(ROOT)})")
            return target
    import spacy
    print(f"building the German spaCy pipeline into {target.relative_to(ROOT)} ...", flush=True)
    nlp = spacy.blank("de")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    nlp.meta.update(
        {
            "name": PIPELINE_NAME.removeprefix("de_"),
            "version": "1.0.0",
            "description": "Blank German pipeline with lookup lemmatizer, built locally for the assistant.",
            "spacy_version": f">={spacy.__version__},<{spacy.__version__.rsplit('.', 1)[0]}.99",
        }
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    doc = spacy.load(target)("Wir haben die Seminare gebucht")
    print("lemmas:", " ".join(t.lemma_ for t in doc))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "path"])
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "path":
        print(PIPELINE_DIR.relative_to(ROOT))
        return 0
    build(force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
