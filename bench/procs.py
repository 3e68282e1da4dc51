"""Processes under test: memory and CPU from /proc (whole process trees), and the servers for both assistants.

``ours_servers`` is the assistant exactly as the run command starts it (``tooling.stack.Stack``: action server +
Rasa server, embedded profile) with a temporary VAR_DIR, free ports and no web server. ``BaselineServers`` starts
the ``rasa init`` reference assistant on the same process runner (``tooling.processes.ProcessGroup``: ``rasa run
actions`` + ``rasa run`` on free ports, SQLite tracker store in a temporary folder, the same channels and
response timeout). Both offer ``start``, ``rasa_url``, ``pids``, ``alive``, ``logs`` and ``stop``.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from tooling.net import free_port
from tooling.processes import VENV_BIN, ProcessGroup, base_env
from tooling.stack import NO_RATE_LIMITS, Stack, free_ports_env

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


# -- the assistant ---------------------------------------------------------------------------------------------
def ours_servers(var_dir: Path, model: Path) -> Stack:
    """The project's action server + Rasa server, as the run command starts them (web server off; no rate limits:
    the load comes from one address and faster than anyone types, and the baseline has none)."""
    return Stack(env={**free_ports_env(var_dir), "MODEL_PATH": str(model), **NO_RATE_LIMITS}, with_web=False)


# -- the rasa init baseline -------------------------------------------------------------------------------------
class BaselineServers(ProcessGroup):
    """``rasa run actions`` + ``rasa run`` in the baseline project folder, like tooling.stack does for ours."""

    def __init__(self, project: Path, var_dir: Path, model: Path):
        # the baseline's own `actions` package must win over ours: its folder first on the path
        super().__init__(var_dir / "logs", base_env({"PYTHONPATH": str(project)}), cwd=project, label="baseline ")
        self.project, self.var_dir, self.model = project, var_dir, model
        self.host = "127.0.0.1"
        self.rasa_port, self.action_port = free_port(), free_port()

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

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

    def start(self, timeout: float) -> None:
        endpoints, credentials = self._render()
        self.spawn("actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                               "--port", str(self.action_port)])
        self.spawn("rasa", [str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--port",
                            str(self.rasa_port), "--interface", self.host, "--endpoints", str(endpoints),
                            "--credentials", str(credentials), "--cors", "http://localhost:8080",
                            "--response-timeout", "60"])
        try:
            self.wait_ready({"rasa": self.rasa_url + "/",
                             "actions": f"http://{self.host}:{self.action_port}/health"}, timeout)
        except Exception:
            self.stop()
            raise
