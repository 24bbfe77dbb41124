"""A sample cannot read what earlier samples sent through the same warm worker.

Each sample is a fork of the worker, so it inherits the worker's whole heap, freed blocks
included. Had the worker parsed earlier requests (another candidate's answer, another
draw of the served hidden tests: diffing draws tells real tests from canaries), a sample
could find them by scanning its own memory. The worker never turns a request's files into
objects of its own: they go to a private buffer it zeroes as soon as the sample is forked.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

import pytest

from evals.sandbox import Limits, PooledSandbox, get_sandbox
from evals.sandbox.bwrap import bwrap_problem

#: Scan every readable mapping of the sample's own memory for marker-shaped strings (the
#: scanner is not told the markers, so a hit cannot be its own copy).
SCAN = r"""
import json, re

def test_scan():
    shape = re.compile(rb"PEMARK(?:ANS|HID|OUT)[0-9a-f]{24}")
    found, scanned = set(), 0
    import ctypes  # /proc/self/mem is closed to the sample; its own pointers are not
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            addr, perms = fields[:2]
            if "r" not in perms or (len(fields) > 5 and fields[5].startswith("[v")):
                continue
            lo, hi = (int(x, 16) for x in addr.split("-"))
            chunk = ctypes.string_at(lo, hi - lo)
            scanned += len(chunk)
            found.update(m.decode() for m in shape.findall(chunk))
    print(json.dumps({"scanned": scanned, "found": sorted(found)}))
    assert False, json.dumps({"scanned": scanned, "found": sorted(found)})
"""


@pytest.fixture(scope="module")
def one_worker() -> Iterator[PooledSandbox]:
    if bwrap_problem():
        pytest.skip(f"bwrap unusable: {bwrap_problem()}")
    with get_sandbox("bwrap", workers=1) as sb:
        yield sb


@pytest.mark.sandbox
def test_earlier_samples_files_are_not_in_a_later_samples_memory(
    one_worker: PooledSandbox,
) -> None:
    answer, hidden = "PEMARKANS" + secrets.token_hex(12), "PEMARKHID" + secrets.token_hex(12)
    printed = "PEMARKOUT" + secrets.token_hex(12)  # what the earlier sample printed
    limits = Limits(wall_seconds=30)
    first = one_worker.run_pytest(
        {"ops.py": f"SECRET = {answer!r}\n"},
        ["test_h.py"],
        limits,
        hidden={"test_h.py": f"def test_x():\n    print({printed!r})\n    assert {hidden!r}\n"},
    )
    assert first.outcomes and printed in first.result.stdout, first.result.stderr
    # In-process pytest, as every tests_pass sample runs: a fork of the warm worker.
    report = one_worker.run_pytest({}, ["test_scan.py"], limits, hidden={"test_scan.py": SCAN})
    [outcome] = report.outcomes.values()
    seen = json.loads(outcome.message.split("AssertionError: ", 1)[-1].split(" | ")[0])
    assert seen["scanned"] > 10_000_000, seen  # the scan did read the heap
    assert not {answer, hidden, printed} & set(seen["found"]), seen
