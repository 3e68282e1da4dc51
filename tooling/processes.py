"""The process runner: child processes in their own session with a log file each, readiness by URL, and a stop
that reaches the whole process group.

The one home of ``VENV_BIN``, ``base_env``, ``Process``, ``stop_process``, ``wait_started`` and ``ProcessGroup``. The assistant's
stack (tooling/stack.py) and the benchmark's reference assistant (bench/procs.py) both run on ``ProcessGroup``.
Imports only ``config`` (for ``ROOT``) and ``tooling.net``: nothing of the assistant itself (actions, advisor,
leads, rasa_addons) and nothing of tooling.stack, bench or tests.
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from config import ROOT
from tooling.net import wait_for, wait_for_urls

VENV_BIN = Path(sys.executable).parent


class ProcessExited(RuntimeError):
    """A server process ended while it was expected to come up."""


class NotReady(TimeoutError):
    """The servers did not all answer their readiness URL in time."""


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the project's child processes: quiet, telemetry-free Rasa, the repository on the
    path, loopback-bound action server; ``extra`` wins."""
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


def stop_process(popen: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM to the process's group (it was started in its own session), SIGKILL after ``grace`` seconds."""
    if popen.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(popen.pid, signal.SIGTERM)
    try:
        popen.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(popen.pid, signal.SIGKILL)
        popen.wait(timeout=5)


def wait_started(popen: subprocess.Popen, ready: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``ready`` until it is true (True); False as soon as the process has exited, or after ``timeout``
    seconds (the process is left running: the caller stops it). For servers without a readiness URL."""

    def abort() -> None:
        if popen.poll() is not None:
            raise ProcessExited(f"exited with {popen.returncode}")

    try:
        return wait_for(ready, timeout, interval, abort)
    except ProcessExited:
        return False


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


class ProcessGroup:
    """Named child processes started in ``cwd`` with ``env``, each in a new session, output to
    ``log_dir/<name>.log``. ``label`` starts the error messages (e.g. ``"baseline "``)."""

    def __init__(self, log_dir: Path, env: dict[str, str], cwd: Path = ROOT, label: str = "") -> None:
        self.log_dir = log_dir
        self.env = env
        self.cwd = cwd
        self.label = label
        self.processes: list[Process] = []

    def spawn(self, name: str, args: list[str]) -> Process:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{name}.log"
        with open(log, "ab") as fh:  # the child keeps its own copy of the descriptor
            popen = subprocess.Popen(args, cwd=self.cwd, env=self.env, stdout=fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        proc = Process(name, popen, log)
        self.processes.append(proc)
        return proc

    def wait_ready(self, urls: dict[str, str], timeout: float) -> None:
        """Return when every URL (name -> URL) has answered 200; ``ProcessExited`` as soon as a process ends,
        ``NotReady`` after ``timeout`` seconds (the processes are left running: the caller stops them)."""

        def abort() -> None:
            for p in self.processes:
                if p.popen.poll() is not None:
                    raise ProcessExited(f"{self.label}{p.name} exited with {p.popen.returncode}:\n{p.tail()}")

        pending = wait_for_urls(urls, timeout, interval=0.3, abort=abort)
        if pending:
            raise NotReady(f"{self.label}not ready after {timeout:.0f}s: {pending}\n{self.logs()}")

    @property
    def pids(self) -> dict[str, int]:
        return {p.name: p.popen.pid for p in self.processes}

    def alive(self) -> dict[str, bool]:
        return {p.name: p.popen.poll() is None for p in self.processes}

    def logs(self, lines: int = 40) -> str:
        return "\n".join(f"--- {p.name} ({p.log})\n{p.tail(lines)}" for p in self.processes)

    def terminate(self) -> None:
        """SIGTERM to every running process group without waiting (``stop`` waits)."""
        for p in self.processes:
            if p.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.popen.pid, signal.SIGTERM)

    def stop(self, name: str | None = None) -> None:
        """Stop every process (or the one called ``name``) and forget it."""
        for p in list(self.processes):
            if name and p.name != name:
                continue
            stop_process(p.popen)
            self.processes.remove(p)
