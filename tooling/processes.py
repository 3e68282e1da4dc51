"""The process runner: child processes in their own session with a log file each, readiness by URL, and a stop
that reaches the whole process group.

The one home of ``VENV_BIN``, ``base_env``, ``Process``, ``stop_process``, ``wait_started``, ``ProcessGroup`` and ``Supervisor`` (restart with backoff). The assistant's
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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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
    args: list[str] = field(default_factory=list)

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
        proc = Process(name, popen, log, list(args))
        self.processes.append(proc)
        return proc

    def respawn(self, proc: Process) -> Process:
        """Start ``proc``'s command again in its place (same name, log file and position)."""
        index = self.processes.index(proc)
        self.processes.remove(proc)
        new = self.spawn(proc.name, proc.args)
        self.processes.remove(new)
        self.processes.insert(index, new)
        return new

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


class Supervisor:
    """Keeps a ``ProcessGroup`` running: a process that exits is restarted after a backoff that doubles on each
    crash (``initial`` .. ``maximum`` seconds) and is reset once the process has stayed up ``stable`` seconds;
    the other processes are not touched. Every exit and restart is appended to ``log`` (one line each).
    Call ``poll`` periodically (the run command does it twice a second)."""

    def __init__(self, group: ProcessGroup, log: Path, initial: float = 1.0, maximum: float = 30.0,
                 stable: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.group = group
        self.log = log
        self.initial = initial
        self.maximum = maximum
        self.stable = stable
        self.clock = clock
        self.restarts: dict[str, int] = {}
        self._delay: dict[str, float] = {}
        self._started: dict[str, float] = {p.name: clock() for p in group.processes}
        self._due: dict[str, float] = {}
        for p in group.processes:
            self.note(f"{p.name} running (pid {p.popen.pid})")

    @property
    def pending(self) -> set[str]:
        """Names of the processes that exited and wait for their restart."""
        return set(self._due)

    def note(self, line: str) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} {line}\n")

    def poll(self) -> None:
        now = self.clock()
        for proc in list(self.group.processes):
            if proc.popen.poll() is None:
                continue
            name = proc.name
            if name not in self._due:
                up = now - self._started.get(name, now)
                delay = self.initial if up >= self.stable else min(self.maximum, self._delay.get(name, 0) * 2
                                                                   or self.initial)
                self._delay[name] = delay
                self._due[name] = now + delay
                self.note(f"{name} (pid {proc.popen.pid}) exited with code {proc.popen.returncode} after {up:.0f} s;"
                          f" restarting in {delay:.0f} s")
            elif now >= self._due[name]:
                del self._due[name]
                new = self.group.respawn(proc)
                self._started[name] = now
                self.restarts[name] = self.restarts.get(name, 0) + 1
                self.note(f"{name} restarted (pid {new.popen.pid}, restart {self.restarts[name]})")
