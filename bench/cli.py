"""``python -m bench``: measure the assistant against the ``rasa init`` reference assistant.

Stages (``--only`` picks some, comma-separated):
  training  training from scratch (``rasa train --force`` into a temporary --out), the no-change retrain of the
            project (``python -m tooling.train``: fingerprint skip) and Rasa's own no-change ``rasa train``
  nlu       NLU inference time per message (Agent.load + ``await agent.parse_message``, ~200 messages)
  rest      whole conversations over REST at 1, 10 and 50 concurrent conversations (latency, throughput, errors)
  socketio  the same over socket.io at 10 concurrent conversations
Cold start and memory are measured whenever servers are started (rest / socketio).

``--quick``: a ~10-second smoke version (REST at 1 and 10, socket.io at 2; no training, no NLU, no baseline).
The whole default run takes about 12-15 minutes on 2 cores. Targets are printed, never asserted: the exit code
is non-zero only when the benchmark itself could not run a stage (e.g. a server did not start).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp

from bench import baseline as bl
from bench import report
from bench.conversations import german_script, moodbot_script
from bench.load import LevelStats, rest_sender, run_rest, run_socketio
from bench.nlu_timing import pick
from bench.procs import BaselineServers, loadavg, ours_servers, peak_rss_mb, rss_mb
from config import ROOT
from tooling.nlu_data import example_texts
from tooling.processes import VENV_BIN, base_env
from tooling.stack import Stack
from tooling.train import newest_model

STAGES = ("training", "nlu", "rest", "socketio")
LAST_LOGS = ROOT / "var" / "bench" / "last-run-logs"
TRAIN_LINE = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\S*\s+INFO\s+rasa\.engine\.training\.hooks\s+-\s+"
                        r"(Starting to train|Finished training|Restored) component '(\w+)'")


def component_times(log: Path) -> dict[str, Any]:
    """Seconds per trained component (from Rasa's training log; 1-s resolution) and the restored ones."""
    started: dict[str, datetime] = {}
    seconds: dict[str, float] = {}
    restored: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        m = TRAIN_LINE.search(line)  # progress bars may leave terminal escapes at the start of a line
        if not m:
            continue
        ts, what, name = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"), m.group(2), m.group(3)
        if what == "Starting to train":
            started[name] = ts
        elif what == "Finished training" and name in started:
            seconds[name] = seconds.get(name, 0.0) + (ts - started.pop(name)).total_seconds()
        elif what == "Restored":
            restored.append(name)
    return {"trained_s": dict(sorted(seconds.items(), key=lambda kv: -kv[1])), "restored_from_cache": restored}
DEFAULT_OUT = ROOT / "bench" / "results.json"
NLU_MESSAGES = 200
START_TIMEOUT = 240.0
TRAIN_TIMEOUT = 900.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="~10 s smoke version: no training, no NLU, no baseline")
    p.add_argument("--skip-training", action="store_true", help="leave out the training stage")
    p.add_argument("--no-baseline", action="store_true", help="measure only our assistant")
    p.add_argument("--baseline-only", action="store_true", help="measure only the reference assistant")
    p.add_argument("--only", default="", help=f"comma-separated stages out of {','.join(STAGES)}")
    p.add_argument("--concurrency", default="1,10,50", help="REST concurrency levels (default 1,10,50)")
    p.add_argument("--socketio-concurrency", type=int, default=10)
    p.add_argument("--scale", type=float, default=1.0,
                   help="multiply the number of conversations per level (default: 6 at 1, 2x10 at 10, 1x50 at 50)")
    p.add_argument("--max-level-seconds", type=float, default=60.0,
                   help="no new conversations are started after this many seconds of a level (default 60)")
    p.add_argument("--turn-timeout", type=float, default=30.0, help="seconds a reply may take (default 30)")
    p.add_argument("--model", type=Path, help="our model file (default: the fingerprinted model in models/)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON (default bench/results.json)")
    p.add_argument("--keep-var", action="store_true", help="keep the temporary VAR_DIRs and logs")
    args = p.parse_args(argv)
    stages = set(STAGES)
    if args.only:
        stages = {s.strip() for s in args.only.split(",") if s.strip()}
        unknown = stages - set(STAGES)
        if unknown:
            p.error(f"unknown stage(s) {', '.join(sorted(unknown))}; choose from {', '.join(STAGES)}")
    if args.quick:
        stages &= {"rest", "socketio"}
        args.no_baseline = True
    if args.baseline_only and args.no_baseline:
        p.error("--baseline-only contradicts --no-baseline / --quick")
    if args.skip_training:
        stages.discard("training")
    args.stages = stages
    try:
        args.levels = [int(x) for x in args.concurrency.split(",") if x.strip()]
    except ValueError:
        p.error("--concurrency takes numbers like 1,10,50")
    return args


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.t0 = time.monotonic()
        self.run_id = uuid.uuid4().hex[:6]
        # under var/bench/ (git-ignored): the same file system as the run command's var/
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix="run-", dir=ROOT / "var" / "bench"))
        self.model: Path | None = None
        self.base_project: Path | None = None
        self.base_model: Path | None = None
        self.results: dict[str, Any] = {
            "meta": {
                "mode": "quick" if args.quick else "full",
                "stages": sorted(args.stages),
                "baseline": not args.no_baseline,
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "cpus": os.cpu_count(),
                "loadavg_start": loadavg(),
                "python": platform.python_version(),
                "argv": sys.argv[1:],
            },
            "ours": {},
            "failures": [],
        }
        if not args.no_baseline:
            self.results["baseline"] = {}

    # -- output -----------------------------------------------------------------------------------------------
    def log(self, stage: str, message: str) -> None:
        print(f"[{time.monotonic() - self.t0:6.1f}s] {stage}: {message}", flush=True)

    def fail(self, stage: str, exc: BaseException) -> None:
        text = f"{type(exc).__name__}: {exc}"
        self.log(stage, f"FAILED - {text[:2000]}")
        self.results["failures"].append({"stage": stage, "error": text[:4000],
                                         "traceback": traceback.format_exc(limit=6)[-3000:]})

    def save(self, final: bool = False) -> Path:
        """Progress goes to var/bench/<name>.partial.json (git-ignored); the finished run replaces <out>, an
        interrupted one leaves the previous results alone."""
        partial = ROOT / "var" / "bench" / f"{self.args.out.stem}.partial.json"
        out = self.args.out if final else partial
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(self.results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if final:
            partial.unlink(missing_ok=True)
        return out

    # -- helpers ----------------------------------------------------------------------------------------------
    def timed(self, stage: str, cmd: list[str], cwd: Path, env: dict[str, str], log_name: str) -> dict[str, Any]:
        """Run ``cmd``, report progress every 20 s, return seconds, exit code and the log path."""
        log = self.tmp / "logs" / f"{log_name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        with open(log, "wb") as fh:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
            next_note = start + 20
            while proc.poll() is None:
                time.sleep(0.05)
                now = time.monotonic()
                if now > start + TRAIN_TIMEOUT:
                    proc.kill()
                    proc.wait()
                    break
                if now >= next_note:
                    self.log(stage, f"{log_name}: {now - start:.0f} s ...")
                    next_note += 20
        seconds = round(time.monotonic() - start, 2)
        if proc.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
            raise RuntimeError(f"{' '.join(cmd[:3])} ... exited with {proc.returncode} after {seconds} s "
                               f"(log {log}):\n{tail}")
        return {"seconds": seconds, "log": str(log)}

    def plan(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]], float]:
        """(REST levels, socket.io levels) as (concurrency, conversations), and the start window per level."""
        if self.args.quick:
            return [(1, 1), (10, 10)], [(2, 2)], 5.0
        def count(c: int) -> int:
            return max(c, round({1: 6}.get(c, max(c, 20)) * self.args.scale))
        sio = self.args.socketio_concurrency
        return ([(c, count(c)) for c in self.args.levels], [(sio, max(sio, round(sio * self.args.scale)))],
                self.args.max_level_seconds)

    # -- preparation ------------------------------------------------------------------------------------------
    def prepare_model(self) -> None:
        """Our model: --model, else models/assistant-<fingerprint of the current data>, else the model the
        training stage trains from scratch, else (training skipped) the newest model in models/ with a warning.
        The benchmark never trains into models/."""
        if self.args.model:
            self.use_model(self.args.model.resolve(), "given with --model")
            return
        from tooling.train import model_path

        target = model_path()
        if target.exists():
            self.use_model(target, "the current data's fingerprinted model")
        elif "training" in self.args.stages:
            self.log("prepare", f"models/ has no model for the current data ({target.name}): the one trained "
                                "from scratch in the training stage will be served")
        else:
            self.use_model(newest_model(ROOT / "models"),
                           f"WARNING: the newest model - models/ has none for the current data ({target.name}); "
                           "run `make train` for it")

    def use_model(self, model: Path, why: str) -> None:
        """Serve ``model`` from a hard link in the run's folder: a retraining meanwhile deletes old models."""
        pinned = self.tmp / "model-ours.tar.gz"
        pinned.unlink(missing_ok=True)
        try:
            os.link(model, pinned)
        except OSError:
            shutil.copy2(model, pinned)
        self.model = pinned
        shown = model.relative_to(ROOT) if model.is_relative_to(ROOT) else model
        self.log("prepare", f"our model: {shown} ({why})")
        self.results["meta"]["model"] = str(model)
        self.results["meta"]["model_choice"] = why

    def prepare_baseline(self) -> None:
        self.base_project = bl.create_project()
        self.base_model = bl.model_path(bl.BASE_DIR, self.base_project)
        self.log("prepare", f"baseline project (rasa init moodbot) in {self.base_project.relative_to(ROOT)}")
        self.results["meta"]["baseline_project"] = str(self.base_project)

    def train_baseline(self, force: bool, label: str) -> dict[str, Any]:
        assert self.base_project is not None and self.base_model is not None
        out = self.tmp / "baseline-models"
        env = base_env({"RASA_CACHE_DIRECTORY": str(self.tmp / "cache-baseline"),
                        "PYTHONPATH": str(self.base_project)})
        result = self.timed("training", bl.train_command(self.base_project, out, force), self.base_project, env,
                            label)
        self.base_model.parent.mkdir(parents=True, exist_ok=True)
        for old in self.base_model.parent.glob("baseline-*.tar.gz"):
            old.unlink()
        shutil.copy2(out / "baseline.tar.gz", self.base_model)
        return result

    # -- stages -----------------------------------------------------------------------------------------------
    def stage_training(self) -> None:
        if not self.args.baseline_only:
            self.train_ours()
        self.save()
        if self.base_project is not None:
            self.train_reference()

    def snapshot_inputs(self) -> Path:
        """A frozen copy of config.yml, domain/ and data/ (build/ linked): edits made by others while the
        training stage runs cannot turn the no-change retrain into a real one."""
        snap = self.tmp / "snapshot"
        snap.mkdir()
        shutil.copy2(ROOT / "config.yml", snap / "config.yml")
        shutil.copytree(ROOT / "domain", snap / "domain")
        shutil.copytree(ROOT / "data", snap / "data")
        (snap / "build").symlink_to(ROOT / "build", target_is_directory=True)
        return snap

    def train_ours(self) -> None:
        from tooling.train import fingerprint, model_path

        ours: dict[str, Any] = {}
        self.results["ours"]["training"] = ours
        fp_before = fingerprint()
        snap = self.snapshot_inputs()
        out = self.tmp / "models"
        env = base_env({"RASA_CACHE_DIRECTORY": str(self.tmp / "cache-ours")})
        cmd = [str(VENV_BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain",
               "--data", "data", "--out", str(out), "--fixed-model-name", "bench-ours"]
        self.log("training", "ours: rasa train --force from scratch (about 3-4 min on 2 cores) ...")
        run = self.timed("training", cmd + ["--force"], snap, env, "ours-train-full")
        ours["full_s"] = run["seconds"]
        ours["full_components"] = component_times(Path(run["log"]))
        self.log("training", f"ours: from scratch {ours['full_s']:.1f} s; rasa train with nothing changed ...")
        run = self.timed("training", cmd, snap, env, "ours-train-nochange")
        ours["rasa_nochange_s"] = run["seconds"]
        ours["rasa_nochange_components"] = component_times(Path(run["log"]))
        if ours["rasa_nochange_components"]["trained_s"].get("DIETClassifier"):
            self.log("training", "WARNING: the no-change rasa train retrained DIET - Rasa's cache missed")
        self.log("training", f"ours: rasa no-change {ours['rasa_nochange_s']:.1f} s; python -m tooling.train ...")

        trained = out / "bench-ours.tar.gz"
        if self.model is None:
            self.use_model(trained, "trained from scratch by the training stage (models/ has none for the data)")
        if model_path().exists():
            cmd = [sys.executable, "-m", "tooling.train"]
            ours["fingerprint_method"] = "python -m tooling.train (models/ holds the current model)"
        else:
            # the same code path against a temporary models folder holding the model just trained
            fp_dir = self.tmp / "fingerprint-models"
            fp_dir.mkdir(exist_ok=True)
            os.link(trained, fp_dir / f"assistant-{fingerprint()}.tar.gz")
            cmd = [sys.executable, "-c", "import sys; from pathlib import Path; from tooling.train import train; "
                   "train(out=Path(sys.argv[1]))", str(fp_dir)]
            ours["fingerprint_method"] = ("tooling.train.train(out=<temp folder with the current model>): models/ "
                                          "has no model for the current data")
        run = self.timed("training", cmd, ROOT, base_env(), "ours-tooling-train")
        ours["fingerprint_nochange_s"] = run["seconds"]
        ours["fingerprint_skipped"] = "up to date" in Path(run["log"]).read_text(errors="replace")
        self.log("training", f"ours: python -m tooling.train {run['seconds']:.2f} s "
                             f"({'fingerprint skip' if ours['fingerprint_skipped'] else 'it TRAINED'})")
        ours["data_changed_meanwhile"] = fingerprint() != fp_before
        if ours["data_changed_meanwhile"]:
            self.log("training", "note: config/domain/data changed while this stage ran; it trained a snapshot "
                                 "taken at its start")

    def train_reference(self) -> None:
        base: dict[str, Any] = {}
        self.results["baseline"]["training"] = base
        self.log("training", "baseline: rasa train --force from scratch ...")
        run = self.train_baseline(True, "baseline-train-full")
        base["full_s"] = run["seconds"]
        base["full_components"] = component_times(Path(run["log"]))
        self.log("training", f"baseline: from scratch {base['full_s']:.1f} s; rasa train with nothing changed ...")
        run = self.train_baseline(False, "baseline-train-nochange")
        base["rasa_nochange_s"] = run["seconds"]
        base["rasa_nochange_components"] = component_times(Path(run["log"]))
        # the reference assistant has no fingerprint skip: its no-change figure is Rasa's own
        base["fingerprint_nochange_s"] = base["rasa_nochange_s"]
        base["note"] = "fingerprint_nochange_s = rasa_nochange_s (the rasa init project has no fingerprint skip)"
        self.log("training", f"baseline: rasa no-change {base['rasa_nochange_s']:.1f} s")

    def nlu_messages(self, side: str) -> list[str]:
        if side == "ours":
            heldout = ROOT / "tests" / "nlu" / "heldout.yml"
            texts = example_texts([heldout]) if heldout.exists() else []
            if len(texts) < 50:
                texts = example_texts(sorted((ROOT / "data" / "nlu").glob("*.yml")))
        else:
            assert self.base_project is not None
            texts = example_texts([self.base_project / "data" / "nlu.yml"])
        return pick(texts, NLU_MESSAGES)

    def stage_nlu(self, side: str) -> None:
        model = self.model if side == "ours" else self.base_model
        messages = self.nlu_messages(side)
        msg_file, result_file = self.tmp / f"nlu-{side}-messages.json", self.tmp / f"nlu-{side}-result.json"
        msg_file.write_text(json.dumps(messages, ensure_ascii=False))
        self.log("nlu", f"{side}: Agent.load + {len(messages)} x parse_message (after 20 warm-up parses) ...")
        self.timed("nlu", [sys.executable, "-m", "bench.nlu_timing", str(model), str(msg_file), str(result_file)],
                   ROOT, base_env(), f"nlu-{side}")
        result = json.loads(result_file.read_text())
        self.results[side]["nlu"] = result
        self.log("nlu", f"{side}: mean {result['mean_ms']} ms, p95 {result['p95_ms']} ms per message "
                        f"(load {result['load_s']} s)")

    def stage_serve(self, side: str) -> None:
        res = self.results[side]
        var = self.tmp / f"var-{side}"
        if side == "ours":
            assert self.model is not None
            servers: Stack | BaselineServers = ours_servers(var, self.model)

            def scripts(i: int):
                return german_script(i, ROOT)
        else:
            assert self.base_project is not None and self.base_model is not None
            servers = BaselineServers(self.base_project, var, self.base_model)
            project = self.base_project

            def scripts(i: int):
                return moodbot_script(i, project)
        rest_plan, sio_plan, window = self.plan()
        self.log(side, "starting the action server and the Rasa server (web server off) ...")
        t0 = time.monotonic()
        try:
            servers.start(timeout=START_TIMEOUT)
            res["ready_s"] = round(time.monotonic() - t0, 2)
            first_ms = asyncio.run(self.first_reply(servers.rasa_url, scripts(0).turns[0].text))
            res["cold_start_s"] = round(time.monotonic() - t0, 2)
            res["first_turn_ms"] = round(first_ms, 1)
            pids = servers.pids
            res["memory_mb_idle"] = {name: rss_mb(pid) for name, pid in pids.items()}
            self.log(side, f"ready after {res['ready_s']:.1f} s, first answer after {res['cold_start_s']:.1f} s "
                           f"(first turn {first_ms:.0f} ms); RSS {res['memory_mb_idle']} MB")
            self.save()
            if not self.args.quick:
                self.log(side, "warm-up: 1 conversation (not counted)")
                warm = asyncio.run(run_rest(servers.rasa_url, scripts, concurrency=1, conversations=1,
                                            max_start_s=window, turn_timeout=self.args.turn_timeout,
                                            sender_prefix=f"bench-{self.run_id}-{side}-warm"))
                res["warmup"] = warm.summary()
                self._report_level(side, "warm-up", warm)
            if "rest" in self.args.stages:
                res["rest"] = {}
                for c, n in rest_plan:
                    label = f"{side} REST c{c}"
                    self.log(side, f"REST: {n} conversations, {c} at a time ...")
                    stats = asyncio.run(run_rest(
                        servers.rasa_url, scripts, concurrency=c, conversations=n, max_start_s=window,
                        turn_timeout=self.args.turn_timeout, sender_prefix=f"bench-{self.run_id}-{side}-r{c}",
                        label=label, report=lambda m, s=side: self.log(s, m), pids=pids))
                    res["rest"][f"c{c}"] = stats.summary()
                    self._report_level(side, f"REST c{c}", stats)
                    self.save()
            if "socketio" in self.args.stages:
                res["socketio"] = {}
                for c, n in sio_plan:
                    label = f"{side} socket.io c{c}"
                    self.log(side, f"socket.io: {n} conversations, {c} at a time ...")
                    stats = asyncio.run(run_socketio(
                        servers.rasa_url, scripts, concurrency=c, conversations=n, max_start_s=window,
                        turn_timeout=self.args.turn_timeout, sender_prefix=f"bench-{self.run_id}-{side}-s{c}",
                        label=label, report=lambda m, s=side: self.log(s, m), pids=pids))
                    res["socketio"][f"c{c}"] = stats.summary()
                    self._report_level(side, f"socket.io c{c}", stats)
                    self.save()
            res["memory_mb"] = {name: rss_mb(pid) for name, pid in pids.items()}
            res["memory_peak_mb"] = {name: peak_rss_mb(pid) for name, pid in pids.items()}
            self.log(side, f"RSS after the run {res['memory_mb']} MB (peak {res['memory_peak_mb']} MB)")
            alive = servers.alive()
            if not all(alive.values()):
                raise RuntimeError(f"a server died during the run: {alive}\n{servers.logs()}")
            if side == "ours":
                res["leads_in_db"] = self.count_leads(var / "leads.db")
        finally:
            servers.stop()
            self.summarise(side)

    def _report_level(self, side: str, name: str, stats: LevelStats) -> None:
        s = stats.summary()
        self.log(side, f"{name}: {s['turns']} turns in {s['wall_s']:.1f} s = {s['throughput_tps']} turns/s; "
                       f"p50 {s['p50_ms']} / p95 {s['p95_ms']} / p99 {s['p99_ms']} ms; "
                       f"{s['conversations_ok']}/{s['conversations']} conversations ok; errors {s['errors']}")
        if s["first_deviation"]:
            d = s["first_deviation"]
            self.log(side, f"  first unexpected reply: {d['script']} turn {d['turn']} sent {d['sent']!r}, "
                           f"expected {d['expected']!r}, got {d['got']}")
        for example in s["error_examples"][:3]:
            self.log(side, f"  {example}")

    async def first_reply(self, base_url: str, text: str) -> float:
        """Latency of the first message (retried until the channel answers, at most 60 s)."""
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.args.turn_timeout * 2)) as s:
            while True:
                start = time.perf_counter()
                try:
                    sender = await rest_sender(s, base_url, f"bench-{self.run_id}-cold")
                    async with s.post(f"{base_url}/webhooks/rest/webhook",
                                      json={"sender": sender, "message": text}) as resp:
                        await resp.read()
                        if resp.status == 200:
                            return (time.perf_counter() - start) * 1000.0
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("the Rasa server did not answer the first message within 60 s")
                await asyncio.sleep(0.2)

    @staticmethod
    def count_leads(db: Path) -> int | None:
        if not db.exists():
            return None
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
                return int(con.execute("SELECT COUNT(*) FROM leads").fetchone()[0])
        except sqlite3.Error:
            return None

    def summarise(self, side: str) -> None:
        res = self.results[side]
        levels = list((res.get("rest") or {}).values())
        if levels:
            res["saturation_tps"] = max(level["throughput_tps"] for level in levels)
        all_levels = levels + list((res.get("socketio") or {}).values())
        if all_levels:
            res["errors_total"] = sum(level["errors"]["total"] for level in all_levels)

    # -- main -------------------------------------------------------------------------------------------------
    def execute(self) -> None:
        stages = self.args.stages
        serving = bool(stages & {"rest", "socketio"})
        self.log("bench", f"stages: {', '.join(sorted(stages)) or 'none'}; baseline: "
                          f"{'no' if self.args.no_baseline else 'yes'}; load average {loadavg()}; "
                          f"temp dir {self.tmp}")
        if not self.args.baseline_only:
            try:
                self.prepare_model()
            except Exception as exc:  # noqa: BLE001
                self.fail("prepare", exc)
                return
        if not self.args.no_baseline:
            try:
                self.prepare_baseline()
            except Exception as exc:  # noqa: BLE001
                self.fail("prepare", exc)
                self.results.pop("baseline", None)
        if "training" in stages:
            try:
                self.stage_training()
            except Exception as exc:  # noqa: BLE001
                self.fail("training", exc)
            self.save()
        if self.base_project and (serving or "nlu" in stages) and not self.base_model.exists():
            try:
                self.log("prepare", "training the baseline model (not timed as a figure) ...")
                self.train_baseline(True, "baseline-train")
            except Exception as exc:  # noqa: BLE001
                self.fail("prepare", exc)
                self.base_project = None
        sides = ([] if self.args.baseline_only else ["ours"]) + (["baseline"] if self.base_project else [])
        if "ours" in sides and self.model is None and (serving or "nlu" in stages):
            self.fail("prepare", RuntimeError("no model to serve: training failed and models/ has none"))
            sides.remove("ours")
        if "nlu" in stages:
            for side in sides:
                try:
                    self.stage_nlu(side)
                except Exception as exc:  # noqa: BLE001
                    self.fail(f"nlu/{side}", exc)
                self.save()
        if serving:
            for side in sides:
                try:
                    self.stage_serve(side)
                except Exception as exc:  # noqa: BLE001
                    self.fail(f"serve/{side}", exc)
                self.save()

    def finish(self) -> int:
        meta = self.results["meta"]
        meta["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        meta["duration_s"] = round(time.monotonic() - self.t0, 1)
        meta["loadavg_end"] = loadavg()
        self.results["ratios"] = report.compute_ratios(self.results) if "baseline" in self.results else {}
        self.results["targets"] = report.evaluate_targets(self.results)
        keep = self.args.keep_var or self.results["failures"] or any(
            (self.results.get(side) or {}).get("errors_total") for side in ("ours", "baseline"))
        if keep:
            meta["kept_dir"] = str(self.tmp)
        interrupted = any(f["stage"] == "interrupted" for f in self.results["failures"])
        written = self.save(final=not interrupted)
        print()
        print(f"Benchmark ({meta['mode']}): {meta['duration_s']:.0f} s, {meta['cpus']} CPUs, load average "
              f"{meta['loadavg_start']} at the start, {meta['loadavg_end']} at the end")
        print(report.table(self.results))
        missed = [t["figure"] for t in self.results["targets"] if t["status"] == "MISS"]
        print(f"\ntargets missed: {', '.join(missed) if missed else 'none'}")
        if self.results["failures"]:
            print("stages that could not run: " + ", ".join(f["stage"] for f in self.results["failures"]))
        print(f"results: {written}" + (" (interrupted: the previous results are left alone)" if interrupted else ""))
        if keep:
            print(f"server logs and data kept in {self.tmp}")
        else:
            self.keep_logs()
            shutil.rmtree(self.tmp, ignore_errors=True)
            print(f"logs of this run: {LAST_LOGS.relative_to(ROOT)}/")
        return 1 if self.results["failures"] else 0


    def keep_logs(self) -> None:
        """Copy the (small) logs of the run to var/bench/last-run-logs/ before the temporary data goes."""
        shutil.rmtree(LAST_LOGS, ignore_errors=True)
        LAST_LOGS.mkdir(parents=True)
        for log in [*self.tmp.glob("logs/*.log"), *self.tmp.glob("var-*/logs/*.log")]:
            prefix = "" if log.parent.parent == self.tmp else log.parent.parent.name + "-"
            shutil.copy2(log, LAST_LOGS / f"{prefix}{log.name}")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    args = parse_args(argv)
    bench = Bench(args)
    try:
        bench.execute()
    except KeyboardInterrupt:
        bench.log("bench", "interrupted: writing what was measured so far")
        bench.results["failures"].append({"stage": "interrupted", "error": "KeyboardInterrupt"})
    return bench.finish()
