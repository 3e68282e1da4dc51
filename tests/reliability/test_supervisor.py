"""The run command supervises its processes (issue 14, faults): killing the action server under
``python -m tooling.stack`` (what ``make run`` starts) no longer stops everything; the action server is restarted
with backoff, logged in ``logs/supervisor.log``, the Rasa and web servers keep serving, and the conversation
continues. Runs the real run command in a temporary ``VAR_DIR`` on free ports."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.chat import RestChat
from tooling.net import wait_for_urls
from tooling.processes import ProcessGroup, Supervisor, stop_process
from tooling.stack import free_ports_env

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status


def _pids(log: Path, name: str) -> list[int]:
    text = log.read_text() if log.exists() else ""
    return [int(m) for m in re.findall(rf"^\S+ {name} (?:running|restarted) \(pid (\d+)", text, re.M)]


def test_supervisor_restarts_a_crashed_process_with_backoff(tmp_path):
    group = ProcessGroup(tmp_path, dict(os.environ))
    group.spawn("crashy", [sys.executable, "-c", "import sys; sys.exit(3)"])
    group.spawn("steady", [sys.executable, "-c", "import time; time.sleep(60)"])
    now = [0.0]
    sup = Supervisor(group, tmp_path / "supervisor.log", initial=1.0, maximum=4.0, clock=lambda: now[0])
    steady_pid = group.pids["steady"]
    delays = []
    try:
        for _ in range(4):
            group.processes[0].popen.wait(timeout=10)
            sup.poll()  # notices the exit, schedules the restart
            assert "crashy" in sup.pending
            line = (tmp_path / "supervisor.log").read_text().splitlines()[-1]
            delays.append(int(re.search(r"restarting in (\d+) s", line).group(1)))
            now[0] += delays[-1]
            sup.poll()  # due: restarted
        assert delays == [1, 2, 4, 4]  # doubles, capped
        assert sup.restarts == {"crashy": 4}
        assert group.pids["steady"] == steady_pid and group.alive()["steady"]  # the other one untouched
        log = (tmp_path / "supervisor.log").read_text()
        assert "crashy (pid" in log and "exited with code 3" in log and "restarted (pid" in log
    finally:
        group.stop()


def test_killed_action_server_is_restarted_and_the_conversation_continues(tmp_path):
    env = {**os.environ, **free_ports_env(tmp_path / "var"), "PYTHONPATH": str(ROOT)}
    rasa = f"http://127.0.0.1:{env['RASA_PORT']}"
    actions = f"http://127.0.0.1:{env['ACTION_PORT']}/health"
    web = f"http://127.0.0.1:{env['WEB_PORT']}/"
    out = open(tmp_path / "run.log", "wb")
    run = subprocess.Popen([sys.executable, "-m", "tooling.stack"], cwd=ROOT, env=env, stdout=out,
                           stderr=subprocess.STDOUT, start_new_session=True)
    log = tmp_path / "var" / "logs" / "supervisor.log"
    try:
        pending = wait_for_urls({"rasa": rasa + "/", "actions": actions, "web": web}, 240, interval=0.5)
        assert not pending, (tmp_path / "run.log").read_text()
        deadline = time.monotonic() + 30
        while not (_pids(log, "actions") and _pids(log, "rasa")) and time.monotonic() < deadline:
            time.sleep(0.2)
        actions_pid, rasa_pid, web_pid = _pids(log, "actions")[0], _pids(log, "rasa")[0], _pids(log, "web")[0]

        chat = RestChat(rasa)
        assert chat.texts(chat.say("Hallo"))
        assert chat.texts(chat.say("Ich möchte ein Angebot"))

        os.killpg(actions_pid, signal.SIGKILL)
        # the others keep serving while the action server is down
        assert _get(web) == 200
        assert _get(rasa + "/") == 200

        deadline = time.monotonic() + 120
        while len(_pids(log, "actions")) < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        text = log.read_text()
        assert f"actions (pid {actions_pid}) exited with code" in text and "restarting in 1 s" in text, text
        assert len(_pids(log, "actions")) == 2, text
        assert not wait_for_urls({"actions": actions}, 120, interval=0.5)

        assert run.poll() is None, (tmp_path / "run.log").read_text()  # the run command did not stop
        assert _pids(log, "rasa") == [rasa_pid] and _pids(log, "web") == [web_pid]  # not restarted
        assert chat.texts(chat.say("Wie läuft das ab?")), "no answer after the restart"
    finally:
        stop_process(run, grace=30)
        out.close()
