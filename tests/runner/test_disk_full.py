"""A full disk or a read-only output directory: one line, nothing lost, resume later.

The harness runs inside a private mount namespace (``unshare -rm``) whose output folder
is a real tmpfs far too small for the run, so the kernel itself answers ENOSPC / EROFS;
the run directory is copied out before the namespace goes away, then resumed on a disk
with space.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evals.log import read_manifest, read_samples

ROOT = Path(__file__).resolve().parents[2]


def _userns_ok() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt && true"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _userns_ok(), reason="no user+mount namespaces here")


def _argv(out: str, epochs: int = 30) -> list[str]:
    return [
        sys.executable,
        "-m",
        "evals.cli",
        "run",
        "--suite",
        str(ROOT / "tests" / "fixtures" / "suite"),
        "--persona",
        str(ROOT / "personas" / "backend-engineer.md"),
        "--model",
        "oracle/gold",
        "--epochs",
        str(epochs),
        "--no-pressure",
        "--sandbox",
        "process",
        "--no-report",
        "--out",
        out,
    ]


def _in_namespace(script: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "MNT": str(mnt), "OUT": str(tmp_path), **env},
    )


# A full run on a tiny tmpfs, then its resume, in subprocesses (77 s at load 13): CI runs
# it (-m slow); the read-only directory case below stays in the default run.
@pytest.mark.slow
def test_disk_full_is_one_line_keeps_every_sample_and_resumes(tmp_path: Path) -> None:
    run = " ".join(f"'{a}'" for a in _argv("$MNT/run")).replace("'$MNT/run'", '"$MNT/run"')
    script = (
        'mount -t tmpfs -o size=48k tmpfs "$MNT" || exit 99\n'
        f"{run}\n"
        'echo $? > "$OUT/rc"\n'
        'cp -a "$MNT/run" "$OUT/run"\n'
    )
    done = _in_namespace(script, tmp_path)
    assert (tmp_path / "rc").read_text().strip() == "2", done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], done.stderr[-3000:]
    assert "samples.jsonl" in errors[0] and "--resume" in errors[0]
    assert "Traceback" not in done.stderr
    run_dir = tmp_path / "run"
    lines = (run_dir / "samples.jsonl").read_bytes()
    assert lines.endswith(b"\n") or not lines  # only whole lines were kept
    kept = [json.loads(line)["sample_id"] for line in lines.splitlines()]
    assert 0 < len(kept) < 30
    assert read_manifest(run_dir).state == "interrupted"
    resumed = subprocess.run(
        [sys.executable, "-m", "evals.cli", "run", "--resume", str(run_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    ids = [s.sample_id for s in read_samples(run_dir)]
    assert len(ids) == 30 == len(set(ids)) and set(kept) <= set(ids)
    assert read_manifest(run_dir).state == "complete"


def test_read_only_output_directory_is_one_line(tmp_path: Path) -> None:
    run = " ".join(f"'{a}'" for a in _argv("$MNT/run", epochs=1)).replace(
        "'$MNT/run'", '"$MNT/run"'
    )
    script = f'mount -t tmpfs -o size=64k,ro tmpfs "$MNT" || exit 99\n{run}\n'
    done = _in_namespace(script, tmp_path)
    assert done.returncode == 2, done.stderr[-3000:]
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1 and "Read-only file system" in err, err
    assert "Traceback" not in err
