"""The spool: leads waiting for an unreachable database, in a local fsync'd file, in order."""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from leads.errors import LeadRejected, StorageUnavailable
from leads.values import to_utc

log = logging.getLogger(__name__)

SPOOL_FORMAT = 1


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LeadSpool:
    """Leads waiting for the database: one JSON object per line, fsync'd, file mode 0600.

    An exclusive ``flock`` serialises writers and the flusher across processes.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.path = self.directory / "leads.jsonl"
        self.rejected_path = self.directory / "leads.rejected.jsonl"
        self._lock_path = self.directory / ".lock"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self._lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def has_entries(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def _append_lines(self, path: Path, lines: Iterable[str]) -> None:
        data = "".join(lines).encode("utf-8")
        new = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a crash cut the last line: never glue a new one onto it
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            _fsync_dir(self.directory)

    def append(self, entry: Mapping[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._locked():
            self._append_lines(self.path, [line])

    def _read_lines(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line.strip()]

    def _rewrite(self, lines: list[str]) -> None:
        if not lines:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            _fsync_dir(self.directory)
            return
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, ("\n".join(lines) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        _fsync_dir(self.directory)

    def entries(self) -> list[dict[str, Any]]:
        with self._locked():
            out = []
            for line in self._read_lines():
                with contextlib.suppress(ValueError):
                    out.append(json.loads(line))
            return out

    def drain(self, handler: Callable[[dict[str, Any]], None]) -> int:
        """Hand every entry to ``handler`` in order; keep what fails with ``StorageUnavailable``
        (and all after it, then re-raise), set aside what can never be stored
        (``leads.rejected.jsonl``)."""
        if not self.has_entries():
            return 0
        with self._locked():
            lines = self._read_lines()
            remaining: list[str] = []
            rejected: list[str] = []
            done = 0
            error: BaseException | None = None
            for line in lines:
                if error is not None:
                    remaining.append(line)
                    continue
                try:
                    entry = json.loads(line)
                    handler(entry)
                    done += 1
                except StorageUnavailable as exc:
                    error = exc
                    remaining.append(line)
                except Exception as exc:  # noqa: BLE001 - anything else will never be stored
                    log.error("lead_spool_entry_rejected error=%s", type(exc).__name__)
                    rejected.append(line + "\n")
            if rejected:
                self._append_lines(self.rejected_path, rejected)
            if done or rejected:
                self._rewrite(remaining)
            if error is not None:
                raise error
            return done

    def remove(self, predicate: Callable[[dict[str, Any]], bool]) -> int:
        """Drop entries (erasure requests reach the spool too)."""
        if not self.has_entries():
            return 0
        with self._locked():
            keep: list[str] = []
            removed = 0
            for line in self._read_lines():
                try:
                    drop = predicate(json.loads(line))
                except Exception:  # noqa: BLE001 - unreadable lines are kept as they are
                    drop = False
                if drop:
                    removed += 1
                else:
                    keep.append(line)
            if removed:
                self._rewrite(keep)
            return removed


def lead_entry(data: Mapping[str, Any], saved_at: dt.datetime) -> dict[str, Any]:
    """The spool entry of a prepared lead (see ``LeadRepository.prepare_lead``)."""
    fields = dict(data)
    fields["consent_at"] = data["consent_at"].isoformat()
    return {"format": SPOOL_FORMAT, "saved_at": saved_at.isoformat(), "lead": fields}


def read_lead_entry(entry: Mapping[str, Any]) -> tuple[dict[str, Any], dt.datetime]:
    """The prepared lead and the time of its save, back from a spool entry."""
    if entry.get("format") != SPOOL_FORMAT:
        raise LeadRejected("unknown spool format")
    fields = dict(entry["lead"])
    fields["consent_at"] = to_utc(fields["consent_at"], "consent_at")
    return fields, to_utc(entry["saved_at"], "saved_at")
