"""The worker's side of per-sample cgroups (the harness picks them: ``evals/sandbox/_cgroup.py``).

The worker holds its own cgroup folder in each hierarchy, bound into its bwrap at
``/tmp/.evals-cg/<name>`` (``unified`` for cgroup v2, ``memory`` and ``pids`` for v1).
Before each request it makes the next sample's folder ``s<k>`` there (off the latency
path), writes the sample's limits when the request comes, and the sample's first process
(*B*) joins it before it drops privileges, then unmounts the binds in its own mount
namespace: the sample never sees a cgroup file. So the kernel bounds the whole tree:
memory (no swap) at ``memory_mb``, processes and threads at ``max_procs``. The worker
reads the OOM-kill and pids-limit counters while the sample runs and once after it:
one OOM kill anywhere in the tree, or one refused fork, and the whole sample is killed
and reported (``memory``/``procs``), never passed. Then the folder's leftovers are
killed and the folder removed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from typing import Any

MOUNT = "/tmp/.evals-cg"
_MNT_DETACH = 2


def _read(path: str) -> str:
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:
        return ""


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def _counter(text: str, key: str) -> int:
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            return int(value)
    return 0


class SampleCgroup:
    """The cgroup folders of the current (next) sample of one worker."""

    def __init__(self, dirs: dict[str, str]) -> None:
        #: name ("unified", or "memory" and "pids") -> the worker's folder.
        self.dirs = dirs
        self.v2 = "unified" in dirs
        self.count = 0
        self.current: dict[str, str] = {}
        self.stale: list[str] = []
        self.limit_mb = 0
        self.max_procs = 0
        self.note = ""
        self.peak_mb = 0.0

    @classmethod
    def from_args(cls, specs: list[str]) -> SampleCgroup | None:
        dirs = dict(spec.split("=", 1) for spec in specs)
        return cls(dirs) if dirs else None

    def _path(self, name: str, file: str) -> str:
        return os.path.join(self.current[name], file)

    def prepare(self) -> None:
        """Make the next sample's folders (the previous one's are gone or stale)."""
        self.count += 1
        while any(os.path.exists(os.path.join(p, f"s{self.count}")) for p in self.dirs.values()):
            self.count += 1  # an earlier worker's leftover in the same folder
        self.current = {}
        for name, parent in self.dirs.items():
            path = os.path.join(parent, f"s{self.count}")
            os.mkdir(path)
            self.current[name] = path
        self.note, self.peak_mb = "", 0.0

    def set_limits(self, limits: dict[str, Any]) -> None:
        """Write the sample's limits into its fresh folders (before it starts)."""
        self.limit_mb = int(limits["memory_mb"])
        self.max_procs = int(limits["max_procs"])
        memory = str(self.limit_mb * 1024 * 1024)
        if self.v2:
            _write(self._path("unified", "memory.max"), memory)
            for file, value in (("memory.swap.max", "0"), ("memory.oom.group", "1")):
                if os.path.exists(self._path("unified", file)):
                    _write(self._path("unified", file), value)
            _write(self._path("unified", "pids.max"), str(self.max_procs))
            return
        _write(self._path("memory", "memory.limit_in_bytes"), memory)
        # Memory + swap at the same bound: no swapping out of the limit (needs swap
        # accounting; where absent, swap is not bounded by the cgroup).
        swap = self._path("memory", "memory.memsw.limit_in_bytes")
        if os.path.exists(swap):
            _write(swap, memory)
        _write(self._path("pids", "pids.max"), str(self.max_procs))

    def join(self) -> None:
        """Move the calling process (the sample's first) into the sample's cgroups."""
        for name in self.current:
            _write(self._path(name, "cgroup.procs"), "0")

    def hide(self, strict: bool) -> None:
        """Unmount the binds in the caller's mount namespace (before any sample code).

        ``strict``: fail when one cannot go (privileged mode); in a nested user namespace
        they are locked to their parent mount and stay covered by the sample's fresh /tmp.
        """
        import _pe_sys  # the sibling module (on the worker's path; lazy for the tests)

        for name in self.dirs:
            path = os.path.join(MOUNT, name)
            try:
                _pe_sys.umount2(path, _MNT_DETACH)
            except OSError:
                if strict:
                    raise

    def check(self) -> str | None:
        """``memory``/``procs`` when the kernel enforced a limit on the tree, else None."""
        if not self.current:
            return None
        if self.v2:
            events = _read(self._path("unified", "memory.events"))
            oom = _counter(events, "oom_kill")
            peak = _read(self._path("unified", "memory.peak")).strip()
            pids = _counter(_read(self._path("unified", "pids.events")), "max")
        else:
            oom = _counter(_read(self._path("memory", "memory.oom_control")), "oom_kill")
            peak = _read(self._path("memory", "memory.max_usage_in_bytes")).strip()
            pids = _counter(_read(self._path("pids", "pids.events")), "max")
        if peak.isdigit():
            self.peak_mb = max(self.peak_mb, round(int(peak) / (1024 * 1024), 1))
        if oom:
            self.note = (
                f"memory limit of the sample tree: its processes together reached "
                f"{self.limit_mb} MB and the kernel killed {oom} of them (cgroup)"
            )
            return "memory"
        if pids:
            self.note = (
                f"process limit of the sample tree: {pids} fork(s) refused at "
                f"{self.max_procs} processes and threads (cgroup)"
            )
            return "procs"
        return None

    def members(self) -> list[int]:
        pids: set[int] = set()
        for path in self.current.values():
            pids.update(int(p) for p in _read(os.path.join(path, "cgroup.procs")).split())
        return sorted(pids)

    def finish(self) -> None:
        """Kill what is left of the sample and remove its folders (stale ones: retried)."""
        self.stale += list(self.current.values())
        self.current = {}
        left = []
        for path in self.stale:
            if not _remove(path):
                left.append(path)
        self.stale = left


def _remove(path: str) -> bool:
    for _ in range(100):
        kill = os.path.join(path, "cgroup.kill")
        if os.path.exists(kill):
            with contextlib.suppress(OSError):
                _write(kill, "1")
        for pid in _read(os.path.join(path, "cgroup.procs")).split():
            with contextlib.suppress(OSError):
                os.kill(int(pid), signal.SIGKILL)
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.002)
    return False
