"""Processes under test: memory and CPU from /proc (whole process trees), and the servers for both assistants.

``OursServers`` starts the assistant exactly like the run command (``tooling.stack.Stack``: action server + Rasa
server, embedded profile) with a temporary VAR_DIR, free ports and no web server. ``BaselineServers`` starts the
``rasa init`` reference assistant the same way (``rasa run actions`` + ``rasa run`` on free ports, SQLite tracker
store in a temporary folder, the same channels and response timeout).
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import yaml

from tooling.stack import VENV_BIN, Stack, base_env, free_port

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- /proc ----------------------------------------------------------------------------------------------------
def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name may contain spaces and parentheses: split after the last ')'
    return raw[raw.rfind(")") + 2:].split()


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its living descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        if Path(f"/proc/{p}").exists():
            tree.append(p)
            todo.extend(children.get(p, []))
    return tree


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children (VmRSS summed), in MiB."""
    return round(sum(_status_kb(p, "VmRSS") for p in process_tree(pid)) / 1024.0, 1)


def peak_rss_mb(pid: int) -> float:
    """High-water mark of resident memory (VmHWM summed over the tree), in MiB."""
    return round(sum(_status_kb(p, "VmHWM") for p in process_tree(pid)) / 1024.0, 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the process and its living children."""
    total = 0
    for p in process_tree(pid):
        fields = _stat_fields(p)
        if fields and len(fields) > 12:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / CLK_TCK


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except Exception:  # noqa: BLE001
        return False


# -- the assistant ---------------------------------------------------------------------------------------------
class OursServers:
    """The project's action server + Rasa server via tooling.stack.Stack (web server off)."""

    name = "ours"

    def __init__(self, var_dir: Path, model: Path):
        self.stack = Stack(
            env={
                "VAR_DIR": str(var_dir),
                "RASA_PORT": str(free_port()),
                "ACTION_PORT": str(free_port()),
                "WEB_PORT": str(free_port()),
                "MODEL_PATH": str(model),
            },
            with_web=False,
        )

    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def pids(self) -> dict[str, int]:
        return {p.name: p.popen.pid for p in self.stack.processes}

    def start(self, timeout: float) -> None:
        self.stack.start(timeout=timeout)

    def alive(self) -> dict[str, bool]:
        return {p.name: p.popen.poll() is None for p in self.stack.processes}

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ({p.log})\n{p.tail(25)}" for p in self.stack.processes)

    def stop(self) -> None:
        self.stack.stop()


# -- the rasa init baseline -------------------------------------------------------------------------------------
class BaselineServers:
    """``rasa run actions`` + ``rasa run`` in the baseline project folder, like tooling.stack does for ours."""

    name = "baseline"

    def __init__(self, project: Path, var_dir: Path, model: Path):
        self.project, self.var_dir, self.model = project, var_dir, model
        self.host = "127.0.0.1"
        self.rasa_port, self.action_port = free_port(), free_port()
        self.procs: dict[str, subprocess.Popen] = {}
        self.log_paths: dict[str, Path] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.procs.items()}

    def _render(self) -> tuple[Path, Path]:
        run = self.var_dir / "run"
        run.mkdir(parents=True, exist_ok=True)
        endpoints = {
            "action_endpoint": {"url": f"http://{self.host}:{self.action_port}/webhook"},
            # the same embedded profile as ours: SQL tracker store on SQLite, in-memory lock store
            "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(self.var_dir / "rasa.db")},
        }
        credentials = {"rest": None, "socketio": {"user_message_evt": "user_uttered",
                                                  "bot_message_evt": "bot_uttered", "session_persistence": True}}
        (run / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
        (run / "credentials.yml").write_text(yaml.safe_dump(credentials))
        return run / "endpoints.yml", run / "credentials.yml"

    def _spawn(self, name: str, args: list[str]) -> None:
        logs = self.var_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_paths[name] = logs / f"{name}.log"
        # the baseline's own `actions` package must win over ours: its folder first on the path
        env = base_env({"PYTHONPATH": str(self.project)})
        with open(self.log_paths[name], "ab") as fh:
            self.procs[name] = subprocess.Popen(args, cwd=self.project, env=env, stdout=fh,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def start(self, timeout: float) -> None:
        endpoints, credentials = self._render()
        self._spawn("actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                "--port", str(self.action_port)])
        self._spawn("rasa", [str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--port",
                             str(self.rasa_port), "--interface", self.host, "--endpoints", str(endpoints),
                             "--credentials", str(credentials), "--cors", "http://localhost:8080",
                             "--response-timeout", "60"])
        checks = {"rasa": self.rasa_url + "/", "actions": f"http://{self.host}:{self.action_port}/health"}
        deadline = time.monotonic() + timeout
        while checks:
            for name, url in list(checks.items()):
                if http_ok(url):
                    checks.pop(name)
            for name, p in self.procs.items():
                if p.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"baseline {name} exited with {p.returncode}:\n{self.logs()}")
            if not checks:
                break
            if time.monotonic() > deadline:
                logs = self.logs()
                self.stop()
                raise TimeoutError(f"baseline not ready after {timeout:.0f}s: {sorted(checks)}\n{logs}")
            time.sleep(0.3)

    def alive(self) -> dict[str, bool]:
        return {name: p.poll() is None for name, p in self.procs.items()}

    def logs(self) -> str:
        out = []
        for name, path in self.log_paths.items():
            with contextlib.suppress(OSError):
                out.append(f"--- {name} ({path})\n" + "\n".join(path.read_text(errors="replace").splitlines()[-25:]))
        return "\n".join(out)

    def stop(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(p.pid, signal.SIGKILL)
                    p.wait(timeout=5)
