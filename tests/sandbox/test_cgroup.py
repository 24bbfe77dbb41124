"""Per-sample cgroups: which backend is picked and why, the limits written, the cleanup.

The selection and the limit files are tested on a fake root (a folder standing in for
``/``: its ``proc/self/mountinfo``, ``proc/self/cgroup`` and cgroup folders), so they run
on any machine. The tests on real cgroups skip, saying why, when this machine's probe
does not pick a cgroup backend.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.sandbox import Limits, PooledSandbox, get_sandbox, sample_limits_status
from evals.sandbox._cgroup import Backend, WorkerCgroups, backend, probe, remove_tree
from evals.sandbox._inside._pe_cgroup import SampleCgroup
from evals.sandbox.bwrap import bwrap_problem

OWN = "/process_api/abc"
V1_MOUNTS = """\
22 1 0:20 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
25 22 0:23 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
26 22 0:24 / /sys/fs/cgroup/pids {opts} - cgroup cgroup rw,pids
27 22 0:25 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
V1_CGROUP = f"8:pids:/\n4:memory:{OWN}\n0::/\n"


def _fake(root: Path, mountinfo: str, cgroup: str, dirs: dict[str, dict[str, str]]) -> str:
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/self/mountinfo").write_text(mountinfo)
    (root / "proc/self/cgroup").write_text(cgroup)
    for folder, files in dirs.items():
        path = root / folder.lstrip("/")
        path.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (path / name).write_text(text)
    return str(root)


def _v1(root: Path, pids_opts: str = "rw,relatime") -> str:
    return _fake(
        root,
        V1_MOUNTS.format(opts=pids_opts),
        V1_CGROUP,
        {
            f"/sys/fs/cgroup/memory{OWN}": {"cgroup.procs": "", "memory.limit_in_bytes": ""},
            "/sys/fs/cgroup/pids": {"cgroup.procs": ""},
            "/sys/fs/cgroup/unified": {"cgroup.procs": "", "cgroup.controllers": ""},
        },
    )


def test_v1_is_picked_under_the_processs_own_cgroups(tmp_path: Path) -> None:
    found = probe(_v1(tmp_path))
    try:
        assert found.kind == "cgroup-v1", found.reason
        pid = os.getpid()
        assert found.bases == {
            "memory": str(tmp_path / f"sys/fs/cgroup/memory{OWN}/evals-{pid}"),
            "pids": str(tmp_path / f"sys/fs/cgroup/pids/evals-{pid}"),
        }
        assert all(os.path.isdir(p) for p in found.bases.values())
    finally:
        for base in found.bases.values():
            remove_tree(base)


def test_a_read_only_hierarchy_falls_back_to_the_watch(tmp_path: Path) -> None:
    found = probe(_v1(tmp_path, pids_opts="ro,relatime"))
    assert found.kind == "watch"
    assert "read-only" in found.reason and "rlimits + tree watch" in found.reason
    # Nothing is left behind in the hierarchy that was writable.
    assert not list((tmp_path / f"sys/fs/cgroup/memory{OWN}").glob("evals-*"))


def test_no_cgroupfs_or_no_own_cgroup_falls_back_to_the_watch(tmp_path: Path) -> None:
    bare = probe(_fake(tmp_path / "a", "1 0 8:1 / / rw - ext4 /dev/vda rw\n", "0::/\n", {}))
    assert (bare.kind, bare.usable) == ("watch", False)
    assert "no cgroup filesystem" in bare.reason
    # Mounted, but this process's memory cgroup is not visible in it (another namespace).
    missing = probe(_fake(tmp_path / "b", V1_MOUNTS.format(opts="rw"), V1_CGROUP, {}))
    assert missing.kind == "watch"
    assert "not visible" in missing.reason


def test_a_cgroupfs_that_refuses_new_cgroups_falls_back(tmp_path: Path) -> None:
    root = _v1(tmp_path)
    # Where the evals folder would go there is a file: mkdir fails like on EACCES/EROFS.
    (tmp_path / f"sys/fs/cgroup/pids/evals-{os.getpid()}").write_text("")
    found = probe(root)
    assert found.kind == "watch"
    assert "cannot create a cgroup" in found.reason


def _v2(root: Path, enabled: str) -> str:
    return _fake(
        root,
        "30 1 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n",
        "0::/user.slice/evals.scope\n",
        {
            "/sys/fs/cgroup/user.slice/evals.scope": {
                "cgroup.procs": "",
                "cgroup.controllers": "cpu memory pids",
                "cgroup.subtree_control": enabled,
            }
        },
    )


def test_a_delegated_v2_subtree_is_preferred(tmp_path: Path) -> None:
    found = probe(_v2(tmp_path, "memory pids"))
    try:
        assert found.kind == "cgroup-v2", found.reason
        (base,) = found.bases.values()
        assert Path(base, "cgroup.subtree_control").read_text() == "+memory +pids"
        worker = WorkerCgroups(found)
        assert Path(worker.dirs["unified"], "cgroup.subtree_control").read_text() == (
            "+memory +pids"
        )
    finally:
        for base in found.bases.values():
            for child in Path(base).rglob("cgroup.subtree_control"):
                child.unlink()  # a real cgroupfs has no removable files: remove_tree rmdirs
            (Path(base) / "cgroup.subtree_control").unlink(missing_ok=True)
            remove_tree(base)


def test_v2_without_the_controllers_for_children_is_not_used(tmp_path: Path) -> None:
    found = probe(_v2(tmp_path, "cpu"))
    assert found.kind == "watch"
    assert "memory/pids not enabled" in found.reason


def test_the_sample_cgroup_gets_the_samples_limits(tmp_path: Path) -> None:
    memory, pids = tmp_path / "memory", tmp_path / "pids"
    memory.mkdir()
    pids.mkdir()
    cgroup = SampleCgroup({"memory": str(memory), "pids": str(pids)})
    cgroup.prepare()
    (memory / "s1/memory.memsw.limit_in_bytes").write_text("")
    cgroup.set_limits(Limits(memory_mb=1024, max_procs=16).__dict__)
    assert (memory / "s1/memory.limit_in_bytes").read_text() == str(1 << 30)
    assert (memory / "s1/memory.memsw.limit_in_bytes").read_text() == str(1 << 30)  # no swap
    assert (pids / "s1/pids.max").read_text() == "16"
    assert cgroup.check() is None
    (pids / "s1/pids.events").write_text("max 3\n")
    assert cgroup.check() == "procs"
    assert "3 fork(s) refused" in cgroup.note
    (memory / "s1/memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n")
    (memory / "s1/memory.max_usage_in_bytes").write_text(str(1 << 30))
    assert cgroup.check() == "memory"  # an OOM kill outranks refused forks
    assert "memory limit of the sample tree" in cgroup.note
    assert cgroup.peak_mb == 1024.0


def test_v2_sample_cgroup_limits(tmp_path: Path) -> None:
    cgroup = SampleCgroup({"unified": str(tmp_path)})
    cgroup.prepare()
    for name in ("memory.swap.max", "memory.oom.group"):
        (tmp_path / "s1" / name).write_text("")
    cgroup.set_limits(Limits(memory_mb=256, max_procs=8).__dict__)
    files = {n: (tmp_path / "s1" / n).read_text() for n in os.listdir(tmp_path / "s1")}
    assert files == {
        "memory.max": str(256 << 20),
        "memory.swap.max": "0",
        "memory.oom.group": "1",  # an OOM kill takes the whole sample
        "pids.max": "8",
    }
    (tmp_path / "s1/memory.events").write_text("low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n")
    assert cgroup.check() == "memory"


def test_the_next_sample_never_reuses_a_folder(tmp_path: Path) -> None:
    (tmp_path / "s1").mkdir()  # left by an earlier worker of this folder
    cgroup = SampleCgroup({"unified": str(tmp_path)})
    cgroup.prepare()
    assert cgroup.current == {"unified": str(tmp_path / "s2")}


# -- real cgroups ---------------------------------------------------------------------------


def _cgroup_backend() -> Backend:
    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    found = backend()
    if not found.usable:
        pytest.skip(f"no cgroup backend here: {found.reason}")
    return found


@pytest.fixture
def cg_sandbox() -> Iterator[PooledSandbox]:
    """A one-worker bwrap sandbox of its own (its worker folder is this test's to inspect)."""
    _cgroup_backend()
    with get_sandbox("bwrap", workers=1) as sb:
        yield sb


def _worker_dirs(found: Backend) -> dict[str, list[Path]]:
    def key(path: Path) -> int:
        return int(path.name[1:])

    return {name: sorted(Path(base).glob("w*"), key=key) for name, base in found.bases.items()}


def _samples(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("s*") if p.is_dir())


@pytest.mark.sandbox
def test_doctor_and_the_sandbox_name_the_backend() -> None:
    found = _cgroup_backend()
    assert sample_limits_status("bwrap") == (found.kind, found.reason)
    with get_sandbox("bwrap", workers=1) as sb:
        assert sb.sample_limits == found.kind


@pytest.mark.sandbox
def test_each_sample_runs_in_a_fresh_cgroup_it_cannot_see(cg_sandbox: PooledSandbox) -> None:
    code = (
        "import os; print(os.path.exists('/tmp/.evals-cg'), "
        "[l for l in open('/proc/self/cgroup') if 'pids' in l or l.startswith('0:')])"
    )
    outs = [cg_sandbox.run(["python", "-c", code], {}).stdout for _ in range(3)]
    assert all(out.startswith("False") for out in outs), outs
    assert len(set(outs)) == 3, outs  # a new s<k> folder each time


@pytest.mark.sandbox
def test_limits_are_written_and_the_cgroup_removed_after(cg_sandbox: PooledSandbox) -> None:
    found = backend()
    cg_sandbox.run(["python", "-c", ""], {})  # the worker is up: the newest folder is its
    *_, folder = next(iter(_worker_dirs(found).values()))
    seen: dict[str, str] = {}

    def sample() -> None:
        code = "import time; time.sleep(1.5)"
        cg_sandbox.run(["python", "-c", code], {}, Limits(memory_mb=300, max_procs=12))

    runner = threading.Thread(target=sample)
    runner.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not seen:
        for name, base in found.bases.items():
            for s in _samples(Path(base) / folder.name):
                procs = (s / "cgroup.procs").read_text().split() if s.exists() else []
                if procs:
                    files = [f for f in ("memory.limit_in_bytes", "memory.max", "pids.max")]
                    for f in files:
                        if (s / f).exists():
                            seen[f] = (s / f).read_text().strip()
                    seen[f"{name}-folder"] = str(s)
        time.sleep(0.02)
    runner.join()
    assert seen.get("pids.max") == "12", seen
    memory = seen.get("memory.limit_in_bytes") or seen.get("memory.max")
    assert memory == str(300 << 20), seen
    # Afterwards: that sample's folder is gone, the next one is made and empty.
    deadline = time.monotonic() + 5
    for name, base in found.bases.items():
        used = Path(seen[f"{name}-folder"])
        while time.monotonic() < deadline and used.exists():
            time.sleep(0.01)
        assert not used.exists()
        (nxt,) = _samples(Path(base) / folder.name)
        assert (nxt / "cgroup.procs").read_text() == ""


@pytest.mark.sandbox
def test_closing_the_sandbox_removes_its_worker_cgroups() -> None:
    found = _cgroup_backend()
    before = _worker_dirs(found)
    with get_sandbox("bwrap", workers=1) as sb:
        sb.run(["python", "-c", ""], {})
        during = _worker_dirs(found)
        assert all(len(during[n]) == len(before[n]) + 1 for n in during), during
    assert _worker_dirs(found) == before


@pytest.mark.sandbox
def test_bwrap_without_a_cgroup_backend_still_bounds_the_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ``watch`` fallback, forced: the worker's watch kills a tree over the limit."""
    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    from evals.sandbox import bwrap

    watch = Backend("watch", "forced by the test")
    monkeypatch.setattr(bwrap, "cgroup_backend", lambda: watch)
    code = """
import os, time
for _ in range(3):
    if os.fork() == 0:
        hog = bytearray(150 * 1024 * 1024)
        for i in range(0, len(hog), 4096):
            hog[i] = 1
        time.sleep(5)
        os._exit(0)
time.sleep(5)
"""
    with get_sandbox("bwrap", workers=1) as sb:
        assert (sb.sample_limits, sb.sample_limits_reason) == ("watch", "forced by the test")
        out = sb.run(["python", "-c", "print(open('/proc/self/cgroup').read())"], {})
        assert "/w" not in out.stdout  # no per-sample cgroup
        result = sb.run(["python", "-c", code], {}, Limits(memory_mb=256, wall_seconds=15))
        assert result.killed == "memory", result
        assert "(cgroup)" not in result.stderr


@pytest.mark.sandbox
def test_a_worker_that_cannot_use_its_cgroups_falls_back_to_the_watch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Not the nested namespaces' fault: warm workers stay, without cgroups."""
    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    from evals.sandbox import bwrap

    not_a_folder = tmp_path / "memory"
    not_a_folder.write_text("")  # bound where the worker expects its cgroup folder

    class Unusable:
        def __init__(self, found: Backend) -> None:
            self.dirs = {"memory": str(not_a_folder)}

        def remove(self) -> None:
            pass

    fake = Backend("cgroup-v1", "fake", {"memory": str(tmp_path)})
    monkeypatch.setattr(bwrap, "cgroup_backend", lambda: fake)
    monkeypatch.setattr(bwrap, "WorkerCgroups", Unusable)
    with get_sandbox("bwrap", workers=1) as sb:
        result = sb.run(["python", "-c", "print('ok')"], {})
        assert result.stdout.strip() == "ok", result
        assert sb.mode != "single-use"
        assert sb.sample_limits == "watch"
        assert "could not start with its cgroups" in sb.sample_limits_reason
