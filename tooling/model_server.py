"""The model server for rollouts without downtime: Rasa's ``models:`` endpoint (endpoints.yml, rendered from
``MODEL_SERVER_URL`` / ``MODEL_PULL_INTERVAL`` by tooling/runtime_config.py).

Every Rasa replica asks ``GET /model`` every ``MODEL_PULL_INTERVAL`` seconds with ``If-None-Match: <ETag of the
model it holds>``. Rasa decides that a model is new only by the ETag (rasa/core/agent.py
``_pull_model_and_fingerprint``): 304 keeps the model, 200 with another ETag loads the body in place (the
conversations stay in the tracker store). The ETag here is derived from the published file's name and
content, so publishing any file (a new model, or an older one to roll back) makes every replica switch to it
within one pull interval; publishing the file already current changes nothing.

- ``publish MODEL --dir DIR``: copies the model into DIR and makes it current (atomic renames: a replica pulling
  at the same time gets the old model or the new one, never half a file).
- ``serve --dir DIR --port PORT [--host HOST]``: answers ``GET /model`` (200 with ``ETag`` and ``filename``
  headers, 304, or 404 before anything was published) and ``GET /health``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CURRENT = "current.json"
CHUNK = 1024 * 1024


class NothingPublished(LookupError):
    """No model has been published to the folder yet."""


def etag_of(path: Path) -> str:
    digest = hashlib.sha256(path.name.encode() + b"\0")
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return f'"{digest.hexdigest()[:32]}"'


def publish(model: Path, folder: Path) -> dict[str, str]:
    """Copy ``model`` into ``folder`` and make it the current model; returns the new pointer."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / model.name
    if model.resolve() != target.resolve():
        tmp = folder / f".{model.name}.{os.getpid()}.part"
        shutil.copyfile(model, tmp)
        os.replace(tmp, target)
    pointer = {"file": target.name, "etag": etag_of(target)}
    tmp = folder / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(json.dumps(pointer))
    os.replace(tmp, folder / CURRENT)
    return pointer


def current(folder: Path) -> dict[str, str]:
    try:
        pointer = json.loads((folder / CURRENT).read_text())
    except FileNotFoundError as exc:
        raise NothingPublished(str(folder)) from exc
    return pointer


def make_handler(folder: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 60

        def log_message(self, *args: object) -> None:  # the pulls every few seconds would flood the log
            pass

        def _answer(self, status: HTTPStatus, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?", 1)[0]
            if path == "/health":
                return self._answer(HTTPStatus.OK, b'{"status":"ok"}', {"Content-Type": "application/json"})
            if path != "/model":
                return self._answer(HTTPStatus.NOT_FOUND)
            try:
                pointer = current(folder)
            except NothingPublished:
                return self._answer(HTTPStatus.NOT_FOUND)
            etag = pointer["etag"]
            if self.headers.get("If-None-Match") == etag:
                return self._answer(HTTPStatus.NOT_MODIFIED, headers={"ETag": etag})
            # opened before answering: a publish that replaces the file meanwhile does not affect this body
            with (folder / pointer["file"]).open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/gzip")
                self.send_header("Content-Length", str(size))
                self.send_header("ETag", etag)
                self.send_header("filename", pointer["file"])  # Rasa names the pulled model after it
                self.end_headers()
                shutil.copyfileobj(fh, self.wfile, CHUNK)

        do_HEAD = do_GET

    return Handler


def serve(folder: Path, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(folder))
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    pub = sub.add_parser("publish", help="make a model file the current one")
    pub.add_argument("model", type=Path)
    pub.add_argument("--dir", type=Path, required=True)
    srv = sub.add_parser("serve", help="serve the current model to the Rasa replicas")
    srv.add_argument("--dir", type=Path, required=True)
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    if args.command == "publish":
        pointer = publish(args.model, args.dir)
        print(f"published {pointer['file']} (ETag {pointer['etag']})")
        return 0
    args.dir.mkdir(parents=True, exist_ok=True)
    server = serve(args.dir, args.host, args.port)
    print(f"model server on http://{args.host}:{args.port}/model serving {args.dir}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
