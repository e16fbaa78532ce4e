"""Recording locks: one recording of a cassette file at a time, across tests, processes and workers.

Before a recorder records into ``c.yaml`` it creates ``c.yaml.lock`` exclusively (``O_EXCL``), holding
who records (the test's node id) and where (host and process id). A second recording of the same file
while the lock is held fails at once with an error naming both, instead of one recording silently
replacing or mixing with the other. The pytest plugin keeps its locks until the end of the session, so
two tests of one session (or of two pytest-xdist workers) that record into one path are caught even
when they do not overlap in time; a :class:`~harness.recording.Recorder` used on its own releases its
lock when it saves. A lock left by a process that no longer runs (a crash, ``kill -9``) is taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from harness.recording._cassette import CassetteError

LOCK_SUFFIX = ".lock"


class CassetteLockedError(CassetteError):
    """Another recording holds the cassette file.

    Attributes:
        cassette: The cassette file.
        holder: Who records into it already.
        wanted_by: Who asked to record into it.
    """

    def __init__(self, message: str, *, cassette: Path, holder: LockHolder, wanted_by: LockHolder) -> None:
        super().__init__(message)
        self.cassette = cassette
        self.holder = holder
        self.wanted_by = wanted_by


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a recording lock.

    Attributes:
        owner: What records (the plugin uses the test's node id).
        pid: The process id.
        host: The host name of the process.
    """

    owner: str
    pid: int
    host: str

    @classmethod
    def here(cls, owner: str) -> LockHolder:
        """This process, recording for ``owner``."""
        return cls(owner=owner or f"process {os.getpid()}", pid=os.getpid(), host=socket.gethostname())

    def describe(self) -> str:
        """``tests/test_a.py::test_one (pid 1234)``, with the host when it is not this one."""
        where = f"pid {self.pid}" if self.host == socket.gethostname() else f"pid {self.pid} on {self.host}"
        return f"{self.owner} ({where})"

    def is_alive(self) -> bool:
        """False only when the holder's process is known to have ended (on this host)."""
        if self.host != socket.gethostname() or self.pid <= 0:
            return True
        if os.name == "nt":  # os.kill would terminate the process there; never take a lock over
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def lock_path(cassette: Path) -> Path:
    """``c.yaml`` → ``c.yaml.lock``."""
    return cassette.with_name(cassette.name + LOCK_SUFFIX)


class CassetteLocks:
    """The recording locks one process holds; :meth:`release_all` frees them together."""

    def __init__(self) -> None:
        self._held: dict[Path, LockHolder] = {}

    def acquire(self, cassette: Path, owner: str) -> None:
        """Lock ``cassette`` for recording by ``owner``; holding it already for the same owner is fine.

        Raises:
            CassetteLockedError: When another owner (in this process or a live other one) holds it.
        """
        me = LockHolder.here(owner)
        path = lock_path(Path(cassette))
        path.parent.mkdir(parents=True, exist_ok=True)
        record = json.dumps({"owner": me.owner, "pid": me.pid, "host": me.host})
        for _attempt in range(5):
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                handle = -1
            if handle < 0:
                holder = _read_holder(path)
                if holder is None:
                    continue  # removed meanwhile: try again
                if holder == me:
                    self._held[path] = me
                    return
                if holder.pid != me.pid and not holder.is_alive():
                    _remove_if_held_by(path, holder)  # a stale lock of a process that has ended
                    continue
                raise CassetteLockedError(
                    f"cassette {cassette} is already being recorded by {holder.describe()}, and "
                    f"{me.describe()} wants to record into the same file: one recording would replace "
                    f"or mix with the other. Give each test its own cassette "
                    f"(@pytest.mark.cassette(path=...)), or record them in separate runs. If no such "
                    f"recording is running, delete {path}.",
                    cassette=Path(cassette),
                    holder=holder,
                    wanted_by=me,
                )
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(record)
            self._held[path] = me
            return
        raise CassetteError(f"cannot take the recording lock {path}: it keeps changing; try again")

    def release(self, cassette: Path) -> None:
        """Give up the lock on ``cassette``, if this process holds it."""
        path = lock_path(Path(cassette))
        holder = self._held.pop(path, None)
        if holder is not None:
            _remove_if_held_by(path, holder)

    def release_all(self) -> None:
        """Give up every lock this object took."""
        for path, holder in list(self._held.items()):
            _remove_if_held_by(path, holder)
        self._held.clear()


def _read_holder(path: Path) -> LockHolder | None:
    """The holder written in a lock file; ``None`` when it is gone or not written yet."""
    for _attempt in range(20):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError:
            text = ""
        try:
            data = json.loads(text)
            return LockHolder(owner=str(data["owner"]), pid=int(data["pid"]), host=str(data["host"]))
        except (ValueError, KeyError, TypeError):
            time.sleep(0.05)  # created but not written yet
    # Unreadable for a second: not a lock this harness wrote; report it as held by someone unknown.
    return LockHolder(owner=f"an unknown holder (unreadable {path.name})", pid=0, host="")


def _remove_if_held_by(path: Path, holder: LockHolder) -> None:
    if _read_holder(path) == holder:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
