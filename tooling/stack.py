"""Start and stop the assistant's processes: action server, Rasa server and the demo web server.

Used by the run command (``python -m tooling.stack``), the integration and browser tests and the benchmark,
so all of them start the assistant the same way. Ports and storage come from ``config``
(environment variables); tests pass free ports and a temporary ``VAR_DIR``.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from config import ROOT, Settings, get_settings
from tooling import runtime_config

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(host: str, port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def newest_model(models_dir: Path) -> Path:
    if models_dir.is_file():
        return models_dir
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"no trained model in {models_dir}: run `make train`")
    return models[-1]


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONUNBUFFERED": "1",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
            # rasa-sdk binds 0.0.0.0 unless told otherwise: the action server is private
            "SANIC_HOST": env.get("HOST", "127.0.0.1"),
        }
    )
    env.update(extra or {})
    return env


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


@dataclass
class Stack:
    """The three processes of the assistant, configured from environment-style variables."""

    env: dict[str, str] = field(default_factory=dict)
    with_web: bool = True
    with_actions: bool = True
    quiet: bool = True
    processes: list[Process] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.env = base_env(self.env)
        # Settings read the environment: evaluate them with this stack's variables.
        saved = dict(os.environ)
        try:
            os.environ.clear()
            os.environ.update(self.env)
            self.settings: Settings = get_settings()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        self.log_dir = self.settings.var_dir / "logs"
        self.run_dir = self.settings.var_dir / "run"

    # -- URLs -------------------------------------------------------------------------------------------
    @property
    def rasa_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.settings.web_port}"

    # -- lifecycle --------------------------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str]) -> Process:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{name}.log"
        fh = open(log, "ab")
        popen = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )
        proc = Process(name, popen, log)
        self.processes.append(proc)
        return proc

    def start(self, timeout: float = 180.0) -> Stack:
        s = self.settings
        wanted = [("Rasa server", s.rasa_port)]
        if self.with_actions:
            wanted.append(("action server", s.action_port))
        if self.with_web:
            wanted.append(("web server", s.web_port))
        busy = [f"{name} port {port}" for name, port in wanted if port_in_use("127.0.0.1", port)]
        if busy:
            raise RuntimeError(f"already in use: {', '.join(busy)} (is the assistant running already? "
                               "set RASA_PORT / ACTION_PORT / WEB_PORT to use other ports)")
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        endpoints, credentials = runtime_config.render(self.run_dir, self.settings)
        model = newest_model(Path(self.settings.model_path))
        if self.with_actions:
            self._spawn(
                "actions",
                [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions.actions",
                 "--port", str(s.action_port)],
            )
        self._spawn(
            "rasa",
            [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--port", str(s.rasa_port),
             "--interface", s.host, "--endpoints", str(endpoints), "--credentials", str(credentials),
             "--cors", s.web_origin_url, "--response-timeout", "60",
             "--logging-config-file", str(ROOT / "tooling" / "rasa-logging.yml")],
        )
        if self.with_web:
            self._spawn(
                "web",
                [sys.executable, "-m", "tooling.webserver", "--port", str(s.web_port),
                 "--rasa-url", s.rasa_public_url or self.rasa_url.replace(s.host, "localhost")],
            )
        try:
            self.wait_ready(timeout)
        except Exception:
            self.stop()
            raise
        return self

    def _ready(self, url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.status == 200
        except Exception:
            return False

    def wait_ready(self, timeout: float) -> None:
        checks = {"rasa": self.rasa_url + "/"}
        if self.with_actions:
            checks["actions"] = self.action_url + "/health"
        if self.with_web:
            checks["web"] = f"http://127.0.0.1:{self.settings.web_port}/"
        deadline = time.monotonic() + timeout
        pending = dict(checks)
        while pending:
            for name, url in list(pending.items()):
                if self._ready(url):
                    pending.pop(name)
            for p in self.processes:
                if p.popen.poll() is not None:
                    raise RuntimeError(f"{p.name} exited with {p.popen.returncode}:\n{p.tail()}")
            if not pending:
                break
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {p.name}\n{p.tail()}" for p in self.processes)
                raise TimeoutError(f"not ready after {timeout:.0f}s: {sorted(pending)}\n{logs}")
            time.sleep(0.3)

    def stop(self, name: str | None = None) -> None:
        for p in list(self.processes):
            if name and p.name != name:
                continue
            if p.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.popen.pid, signal.SIGTERM)
                try:
                    p.popen.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(p.popen.pid, signal.SIGKILL)
                    p.popen.wait(timeout=5)
            self.processes.remove(p)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> int:
    stack = Stack(quiet=False)
    print("starting the action server, the Rasa server and the demo page (first start: about 20-40 s) ...",
          flush=True)
    try:
        stack.start()
    except (RuntimeError, TimeoutError, FileNotFoundError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(
        f"\n  Demo page with the chat widget:  {stack.web_url}/\n"
        f"  Rasa server (REST, socket.io):   {stack.rasa_url}  (HTTP API off)\n"
        f"  Action server:                   {stack.action_url}\n"
        f"  Data and logs:                   {stack.settings.var_dir}\n\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping:
            for p in stack.processes:
                if p.popen.poll() is not None:
                    print(f"ERROR: {p.name} stopped unexpectedly:\n{p.tail()}", file=sys.stderr)
                    stopping = True
            time.sleep(0.5)
    finally:
        print("\nstopping ...", flush=True)
        stack.stop()
        print("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
