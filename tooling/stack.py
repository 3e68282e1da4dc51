"""Start and stop the assistant's processes: action server, Rasa server and the demo web server.

Used by the run command (``python -m tooling.stack``), the integration and browser tests, the story recorder and
the benchmark, so all of them start the assistant the same way. Ports and storage come from ``config``
(environment variables); tests pass free ports and a temporary ``VAR_DIR`` (``free_ports_env``). The processes
themselves are run by ``tooling.processes.ProcessGroup``.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path

from config import ROOT, Settings, get_settings
from tooling import runtime_config
from tooling.net import free_port, port_in_use
from tooling.processes import VENV_BIN, ProcessGroup, Supervisor, base_env
from tooling.train import newest_model

RASA_LOGGING = ROOT / "tooling" / "rasa-logging.yml"


# scripted conversations send faster than any person types: stacks started by scripts (tests, the benchmark,
# the story recorder) run without the per-conversation and per-address rate limits
NO_RATE_LIMITS = {"RATE_LIMIT_PER_CONVERSATION": "0", "RATE_LIMIT_PER_IP": "0"}


def open_session(rasa_url: str, timeout: float = 60) -> str:
    """A new web-chat session token from the REST channel (``POST /webhooks/rest/session``)."""
    req = urllib.request.Request(f"{rasa_url}/webhooks/rest/session", data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())["session"]


class PortsBusy(RuntimeError):
    """A port the stack needs is taken (the assistant is probably running already)."""


def free_ports_env(var_dir: Path) -> dict[str, str]:
    """Environment for a stack that runs beside any other: its own ``VAR_DIR`` and free loopback ports for the
    Rasa server, the action server and the web server (tests, benchmark, story recorder)."""
    return {
        "VAR_DIR": str(var_dir),
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
        "WORKSPACE_PORT": str(free_port()),
    }


class Stack(ProcessGroup):
    """The three processes of the assistant, configured from environment-style variables."""

    def __init__(self, env: dict[str, str] | None = None, with_web: bool = True, with_actions: bool = True,
                 quiet: bool = True) -> None:
        env = base_env(env)
        self.with_web = with_web
        self.with_actions = with_actions
        self.quiet = quiet
        # Settings read the environment: evaluate them with this stack's variables.
        saved = dict(os.environ)
        try:
            os.environ.clear()
            os.environ.update(env)
            self.settings: Settings = get_settings()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        # rasa-sdk binds SANIC_HOST (0.0.0.0 without it): the action server listens where this stack's HOST says
        env["SANIC_HOST"] = self.settings.host
        super().__init__(self.settings.var_dir / "logs", env)
        self.run_dir = self.settings.var_dir / "run"
        # embedded profile: without WORKSPACE_PASSWORD_HASH the workspace gets a one-time password (printed at
        # start, valid while this stack runs); there is never a default password
        self.workspace_password: str | None = None
        if with_web and not self.settings.workspace_password_hash:
            from workspace.password import one_time_password

            self.workspace_password, self.env["WORKSPACE_PASSWORD_HASH"] = one_time_password()
            if not self.settings.web_origin:  # plain http on localhost: the session cookie cannot be Secure
                self.env.setdefault("WORKSPACE_SECURE_COOKIES", "false")

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

    @property
    def workspace_url(self) -> str:
        return f"http://localhost:{self.settings.workspace_port}"

    def health_urls(self) -> dict[str, str]:
        """What ``start`` waits for: process name -> URL that answers 200 once it is ready."""
        urls = {"rasa": self.rasa_url + "/"}
        if self.with_actions:
            urls["actions"] = self.action_url + "/health"
        if self.with_web:
            urls["web"] = f"http://127.0.0.1:{self.settings.web_port}/"
            urls["workspace"] = f"http://127.0.0.1:{self.settings.workspace_port}/login"
        return urls

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self, timeout: float = 180.0) -> Stack:
        s = self.settings
        wanted = [("Rasa server", s.rasa_port)]
        if self.with_actions:
            wanted.append(("action server", s.action_port))
        if self.with_web:
            wanted.append(("web server", s.web_port))
            wanted.append(("workspace", s.workspace_port))
        busy = [f"{name} port {port}" for name, port in wanted if port_in_use("127.0.0.1", port)]
        if busy:
            raise PortsBusy(f"already in use: {', '.join(busy)} (is the assistant running already? "
                            "set RASA_PORT / ACTION_PORT / WEB_PORT / WORKSPACE_PORT to use other ports)")
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        endpoints, credentials = runtime_config.render(self.run_dir, self.settings)
        model = newest_model(self.settings.model_path)
        if self.with_actions:
            self.spawn(
                "actions",
                [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions.actions",
                 "--port", str(s.action_port)],
            )
        self.spawn(
            "rasa",
            [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--port", str(s.rasa_port),
             "--interface", s.host, "--endpoints", str(endpoints), "--credentials", str(credentials),
             "--cors", *s.allowed_origins, "--response-timeout", "60",
             "--logging-config-file", str(RASA_LOGGING)],
        )
        if self.with_web:
            self.spawn(
                "web",
                [sys.executable, "-m", "tooling.webserver", "--port", str(s.web_port),
                 "--rasa-url", s.rasa_public_url or self.rasa_url.replace(s.host, "localhost")],
            )
            self.spawn("workspace", [sys.executable, "-m", "workspace.app", "--port", str(s.workspace_port)])
        try:
            self.wait_ready(self.health_urls(), timeout)
        except Exception:
            self.stop()
            raise
        return self

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
    # PortsBusy, ProcessExited, NotReady, NoModelError, and a missing program
    except (RuntimeError, TimeoutError, FileNotFoundError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(
        f"\n  Demo page with the chat widget:  {stack.web_url}/\n"
        f"  Rasa server (REST, socket.io):   {stack.rasa_url}  (HTTP API off)\n"
        f"  Action server:                   {stack.action_url}\n"
        f"  Consultant's workspace:          {stack.workspace_url}/"
        + (f"  (one-time password: {stack.workspace_password})\n" if stack.workspace_password else "\n") +
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
    # a crashed process is restarted with backoff (var/logs/supervisor.log); the others keep serving
    supervisor = Supervisor(stack, stack.log_dir / "supervisor.log")
    try:
        while not stopping:
            for p in stack.processes:
                if p.popen.poll() is not None and p.name not in supervisor.pending:
                    print(f"WARNING: {p.name} stopped unexpectedly, restarting it (see {supervisor.log}):\n"
                          f"{p.tail(10)}", file=sys.stderr, flush=True)
            supervisor.poll()
            time.sleep(0.5)
    finally:
        print("\nstopping ...", flush=True)
        stack.stop()
        print("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
