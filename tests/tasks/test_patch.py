"""Flawed variants stored as patches: make, apply, load, export, and the CLI around them."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.cli import app
from evals.errors import TaskError
from evals.tasks import apply_patch, load_suite, load_task, make_patch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "suite" / "calc"

GOLD = {
    "app.py": "import os\n\n\ndef main():\n    return 1\n",
    "pkg/util.py": "def f(x):\n    return x\n",
    "test_app.py": "from app import main\n\n\ndef test_main():\n    assert main() == 1\n",
    "notes.txt": "no final newline",
}


def _roundtrip(variant: dict[str, str]) -> str:
    patch = make_patch(GOLD, variant)
    assert apply_patch(GOLD, patch, where="t.patch") == variant
    return patch


def test_edit_add_delete_and_final_newline_roundtrip() -> None:
    variant = {
        "app.py": "import os\nimport sys\n\n\ndef main():\n    return 2\n",
        "pkg/util.py": GOLD["pkg/util.py"],
        "pkg/new.py": "X = 'é'\n",  # new file, non-ASCII
        "notes.txt": "no final newline\n",  # a newline added at the end
    }  # test_app.py deleted
    patch = _roundtrip(variant)
    assert "deleted file mode" in patch and "new file mode" in patch
    assert "pkg/util.py" not in patch  # unchanged files are not in the patch
    assert _roundtrip(dict(GOLD)) == ""  # an identical tree is an empty patch


def test_a_stale_patch_is_one_line_naming_the_patch_file() -> None:
    patch = make_patch(GOLD, {**GOLD, "app.py": GOLD["app.py"].replace("1", "2")})
    moved = {**GOLD, "app.py": "import os\n\n\ndef main():\n    return 3\n"}
    with pytest.raises(TaskError, match=r"flawed/x\.patch: patch does not apply") as info:
        apply_patch(moved, patch, where="tasks/t/flawed/x.patch")
    assert "\n" not in str(info.value) and "make-patch" in str(info.value)


def test_apply_ignores_an_enclosing_git_repository(tmp_path: Path) -> None:
    """A temp dir below a checkout must not make ``git apply`` write into the checkout."""
    outer = tmp_path / "checkout"
    outer.mkdir()
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    (outer / "app.py").write_text("untouched\n")
    patch = make_patch(GOLD, {**GOLD, "app.py": "changed\n"})
    old = tempfile.tempdir
    tempfile.tempdir = str(outer)
    try:
        assert apply_patch(GOLD, patch, where="p")["app.py"] == "changed\n"
    finally:
        tempfile.tempdir = old
    assert (outer / "app.py").read_text() == "untouched\n"


def test_fixture_variants_materialise_lazily_and_are_cached() -> None:
    task = load_task(FIXTURE)
    assert task.variant_names == ["off-by-one", "sql-fstring"]
    assert task._materialised == {}  # loading applies nothing
    files = task.variant_files("off-by-one")
    assert "return a + b + 1" in files["calc.py"] and "return a + b\n" in task.solution["calc.py"]
    assert set(files) == set(task.solution)
    files["calc.py"] = "mutated by a caller"
    assert "return a + b + 1" in task.variant_files("off-by-one")["calc.py"]
    with pytest.raises(TaskError, match="no flawed variant 'nope'; known: off-by-one"):
        task.variant_files("nope")


def test_load_rejects_undeclared_missing_and_full_copy_variants(tmp_path: Path) -> None:
    task_dir = tmp_path / "calc"
    shutil.copytree(FIXTURE, task_dir)
    (task_dir / "flawed" / "extra.patch").write_text("")
    with pytest.raises(TaskError, match="flawed variant 'extra' is not declared"):
        load_task(task_dir)
    (task_dir / "flawed" / "extra.patch").unlink()
    (task_dir / "flawed" / "off-by-one.patch").unlink()
    with pytest.raises(TaskError, match=r"flawed/off-by-one\.patch does not exist"):
        load_task(task_dir)
    (task_dir / "flawed" / "off-by-one").mkdir()
    with pytest.raises(TaskError, match="full copy of a variant.*evals tasks make-patch calc"):
        load_task(task_dir)


def test_cli_materialise_then_make_patch_roundtrips(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    shutil.copytree(FIXTURE, suite / "calc")
    runner = CliRunner()
    out = tmp_path / "v"
    args = ["tasks", "materialise", "calc", "off-by-one", str(out), "--suite", str(suite)]
    assert runner.invoke(app, args).exit_code == 0
    before = (suite / "calc" / "flawed" / "off-by-one.patch").read_text()
    calc = out / "calc.py"
    calc.write_text(calc.read_text().replace("+ 1", "+ 2"))
    make = ["tasks", "make-patch", "calc", "off-by-one", "--from", str(out), "--suite", str(suite)]
    result = runner.invoke(app, make)
    assert result.exit_code == 0, result.output
    after = (suite / "calc" / "flawed" / "off-by-one.patch").read_text()
    assert after == before.replace("+ 1", "+ 2")
    assert "return a + b + 2" in load_task(suite / "calc").variant_files("off-by-one")["calc.py"]


def test_hf_export_keeps_patches_and_older_exports_still_load(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    from evals.tasks._hf import export_hf

    suite = load_suite(FIXTURE.parent)
    export_hf(suite, tmp_path / "hf", include_hidden=True)
    loaded = load_suite(tmp_path / "hf").tasks[0]
    original = suite.tasks[0]
    assert loaded.patches == original.patches and loaded.flawed == original.flawed
    assert loaded.digest() == original.digest()
    # An export made before the flawed_patches column held materialised files only.
    import datasets

    parquet = tmp_path / "hf" / "data" / "train.parquet"
    rows = datasets.Dataset.from_parquet(str(parquet)).remove_columns("flawed_patches").to_list()
    assert json.loads(rows[0]["flawed"]) == original.flawed
    old = tmp_path / "old" / "data"
    old.mkdir(parents=True)
    datasets.Dataset.from_list(rows).to_parquet(str(old / "train.parquet"))
    assert load_suite(tmp_path / "old").tasks[0].flawed == original.flawed
