"""Which mechanism bounds a sample's whole process tree, and the cgroups it uses.

Three backends, probed in order, never assumed:

* ``cgroup-v2``: a cgroup2 mount whose cgroup of this process hands ``memory`` and
  ``pids`` to its children (a delegated, writable subtree);
* ``cgroup-v1``: writable v1 ``memory`` and ``pids`` hierarchies (as root);
* ``watch``: neither; per-process rlimits plus the worker's watch of the tree
  (``_inside/_pe_watch.py``), as before cgroups.

Everything lives under this process's *own* cgroup as ``/proc/self/cgroup`` names it:
``<own>/evals-<pid>/w<n>/s<k>``, one ``w`` folder per worker (bound into its bwrap) and
one ``s`` folder per sample, made by the worker ahead of the sample
(``_inside/_pe_cgroup.py``). A worker's folder is emptied (its processes killed) and
removed when the worker goes; this process's folder at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass, field

__all__ = ["Backend", "WorkerCgroups", "backend", "probe", "remove_tree"]

#: Host controllers each backend needs, by the name the worker knows them under.
_V1_CONTROLLERS = ("memory", "pids")


@dataclass(frozen=True)
class Backend:
    """The probed backend: ``kind``, why, and the host folders (name -> path) it uses."""

    kind: str
    reason: str
    #: ``{"unified": dir}`` (v2) or ``{"memory": dir, "pids": dir}`` (v1): this
    #: process's ``evals-<pid>`` folder in each hierarchy; empty for ``watch``.
    bases: dict[str, str] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return bool(self.bases)


@dataclass(frozen=True)
class _Mount:
    point: str
    root: str
    options: tuple[str, ...]
    fstype: str
    super_options: tuple[str, ...]


def _unescape(path: str) -> str:
    """Mountinfo escapes space, tab, newline and backslash as octal (``\\040``)."""
    return path.encode().decode("unicode_escape") if "\\" in path else path


def _mounts(root: str) -> list[_Mount]:
    try:
        with open(os.path.join(root, "proc/self/mountinfo")) as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        head, sep, tail = line.partition(" - ")
        fields, rest = head.split(), tail.split()
        if not sep or len(fields) < 6 or len(rest) < 3 or not rest[0].startswith("cgroup"):
            continue
        out.append(
            _Mount(
                point=os.path.join(root, _unescape(fields[4]).lstrip("/")),
                root=_unescape(fields[3]),
                options=tuple(fields[5].split(",")),
                fstype=rest[0],
                super_options=tuple(rest[2].split(",")),
            )
        )
    return out


def _own_paths(root: str) -> dict[str, str]:
    """Controller (``""`` for cgroup2) -> this process's cgroup path."""
    try:
        with open(os.path.join(root, "proc/self/cgroup")) as fh:
            lines = fh.read().splitlines()
    except OSError:
        return {}
    out: dict[str, str] = {}
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            for name in parts[1].split(",") if parts[1] else [""]:
                out[name] = parts[2]
    return out


def _own_dir(mount: _Mount, own: str) -> str | None:
    """The folder of cgroup path ``own`` in ``mount`` (None: not below the mount's root)."""
    rel = os.path.relpath(own, mount.root)
    if rel.startswith(".."):
        return None
    return os.path.normpath(os.path.join(mount.point, rel))


def _read(path: str) -> str:
    try:
        with open(path) as fh:
            return fh.read()
    except OSError:
        return ""


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def _make_base(parent: str) -> str:
    """``parent/evals-<pid>``, made now (stale ones of dead processes removed first)."""
    for name in _listdir(parent):
        if name.startswith("evals-") and name[6:].isdigit() and not _alive(int(name[6:])):
            remove_tree(os.path.join(parent, name))
    base = os.path.join(parent, f"evals-{os.getpid()}")
    os.makedirs(base, exist_ok=True)
    return base


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _listdir(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def _probe_v2(mounts: list[_Mount], own: dict[str, str]) -> Backend | str:
    mount = next((m for m in mounts if m.fstype == "cgroup2"), None)
    if mount is None or "" not in own:
        return "no cgroup2 mount"
    where = _own_dir(mount, own[""])
    if where is None or not os.path.isdir(where):
        return f"cgroup v2: this process's cgroup {own['']} is not below {mount.point}"
    if "ro" in mount.options:
        return f"cgroup v2 at {mount.point} is mounted read-only"
    offered = _read(os.path.join(where, "cgroup.controllers")).split()
    missing = [c for c in _V1_CONTROLLERS if c not in offered]
    if missing:
        return (
            f"cgroup v2 at {mount.point}: no {'/'.join(missing)} controller for "
            f"{own['']} (offered: {' '.join(offered) or 'none'})"
        )
    enabled = _read(os.path.join(where, "cgroup.subtree_control")).split()
    missing = [c for c in _V1_CONTROLLERS if c not in enabled]
    if missing:
        # Enabling them here is not ours to do (and refused while this cgroup holds a
        # process): a delegated subtree has them on for its children already.
        return f"cgroup v2 at {where}: {'/'.join(missing)} not enabled for its children"
    try:
        base = _make_base(where)
        _write(os.path.join(base, "cgroup.subtree_control"), "+memory +pids")
    except OSError as exc:
        return f"cgroup v2 at {where} is not delegated to this process ({exc.strerror})"
    return Backend(
        "cgroup-v2",
        f"cgroup v2 memory + pids per sample under {base}",
        {"unified": base},
    )


def _probe_v1(mounts: list[_Mount], own: dict[str, str]) -> Backend | str:
    bases: dict[str, str] = {}
    problems = []
    for name in _V1_CONTROLLERS:
        mount = next((m for m in mounts if m.fstype == "cgroup" and name in m.super_options), None)
        if mount is None or name not in own:
            problems.append(f"no v1 {name} hierarchy")
            continue
        where = _own_dir(mount, own[name])
        if where is None or not os.path.isfile(os.path.join(where, "cgroup.procs")):
            problems.append(f"v1 {name}: this process's cgroup {own[name]} is not visible")
        elif "ro" in mount.options:
            problems.append(f"v1 {name} at {mount.point} is mounted read-only")
        else:
            try:
                bases[name] = _make_base(where)
            except OSError as exc:
                problems.append(f"v1 {name}: cannot create a cgroup in {where} ({exc.strerror})")
    if problems:
        for base in bases.values():
            remove_tree(base)
        return "cgroup v1: " + "; ".join(problems)
    return Backend(
        "cgroup-v1",
        f"cgroup v1 memory + pids per sample under {bases['memory']} and {bases['pids']}",
        bases,
    )


def probe(root: str = "/") -> Backend:
    """Pick the backend for this process, reading ``root``'s ``/proc`` and mounts.

    ``root`` is for tests: a folder standing in for ``/``. A usable backend has made
    this process's ``evals-<pid>`` folders already (remove them with :func:`remove_tree`).
    """
    mounts, own = _mounts(root), _own_paths(root)
    if not mounts:
        return Backend("watch", "no cgroup filesystem is mounted: rlimits + tree watch")
    why = []
    for attempt in (_probe_v2, _probe_v1):
        found = attempt(mounts, own)
        if isinstance(found, Backend):
            return found
        why.append(found)
    return Backend("watch", "; ".join(why) + ": rlimits + tree watch")


@functools.lru_cache(maxsize=1)
def backend() -> Backend:
    """:func:`probe` of this machine, once per process; its folders go at exit."""
    found = probe()
    for base in found.bases.values():
        atexit.register(remove_tree, base)
    return found


def _kill_members(folder: str) -> bool:
    """SIGKILL every process in cgroup ``folder``; True if it had none."""
    if os.path.exists(os.path.join(folder, "cgroup.kill")):
        with contextlib.suppress(OSError):
            _write(os.path.join(folder, "cgroup.kill"), "1")
    pids = [int(p) for p in _read(os.path.join(folder, "cgroup.procs")).split() if p.isdigit()]
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return not pids


def remove_tree(folder: str, timeout: float = 5.0) -> bool:
    """Kill every process in cgroup ``folder`` and below, and remove the folders.

    True when all of it is gone. Deepest folders first: a cgroup goes only once empty.
    """
    deadline = time.monotonic() + timeout
    folders = []
    for path, dirs, _ in os.walk(folder):
        folders += [os.path.join(path, d) for d in dirs]
    ok = True
    for path in [*sorted(folders, key=lambda p: -p.count("/")), folder]:
        while True:
            _kill_members(path)
            try:
                os.rmdir(path)
                break
            except FileNotFoundError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    ok = False
                    break
                time.sleep(0.01)
    return ok


_KEYS = itertools.count()
_KEY_LOCK = threading.Lock()


class WorkerCgroups:
    """One worker's ``w<n>`` folder in each hierarchy of ``found``; removed by :meth:`remove`."""

    def __init__(self, found: Backend) -> None:
        with _KEY_LOCK:
            key = next(_KEYS)
        self.kind = found.kind
        #: name -> host folder of this worker.
        self.dirs: dict[str, str] = {}
        try:
            for name, base in found.bases.items():
                path = os.path.join(base, f"w{key}")
                os.mkdir(path)
                self.dirs[name] = path
                if name == "unified":
                    _write(os.path.join(path, "cgroup.subtree_control"), "+memory +pids")
        except BaseException:
            self.remove()
            raise

    def remove(self) -> None:
        """Kill what is left in them and remove them (the worker is gone)."""
        for path in self.dirs.values():
            remove_tree(path)
