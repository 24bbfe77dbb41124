"""``evals persona show|diff`` through typer's CliRunner, as a user sees them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from evals.cli import app
from evals.persona import load_persona

SHIPPED = Path(__file__).resolve().parents[2] / "personas" / "backend-engineer.md"
IDS = [
    "always-write-tests",
    "always-parameterized-queries",
    "always-typed-errors",
    "always-structured-logging",
    "always-profile-first",
    "always-document-api",
    "never-sql-concat",
    "never-secrets-in-code",
    "never-skip-validation",
    "never-sync-io",
    "never-ignore-n-plus-one",
    "never-deploy-untested",
    "description-delegation",
    "principle-readability",
    "principle-fail-fast",
    "principle-security-first",
    "commands-lint",
]
runner = CliRunner()


def _run(*args: str, columns: int = 80) -> Result:
    return runner.invoke(app, list(args), env={"COLUMNS": str(columns)}, catch_exceptions=False)


def test_show_lists_the_seventeen_rules_with_ids_and_coverage() -> None:
    result = _run("persona", "show", str(SHIPPED))
    assert result.exit_code == 0, result.output
    out: str = result.stdout
    positions = [out.index(rule_id) for rule_id in IDS]
    assert positions == sorted(positions)  # every id, whole, in rule order
    assert out.count("✔ measured") == 17 and "UNMEASURED" not in out
    assert out.rstrip().splitlines()[-1] == "17 rules, 17 measured, 0 unmeasured (100% coverage)"


def test_show_wide_console_puts_text_in_its_own_column() -> None:
    out: str = _run("persona", "show", str(SHIPPED), columns=200).stdout
    header = next(line for line in out.splitlines() if " id " in line)
    assert header.split() == ["id", "section", "text", "graders", "coverage"]
    row = next(line for line in out.splitlines() if "never-sql-concat" in line)
    assert row.split()[:3] == ["never-sql-concat", "Never", "Do"]
    assert "Use string concatenation for SQL queries" in row and "sql_construction" in row


def test_show_json(shipped: Path) -> None:
    result = _run("persona", "show", f"{shipped}", "--format", "json")
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["rules"]] == IDS
    assert data["rules"][0]["graders"] == ["tests_included", "tests_first"] and data["sidecar"]


def test_show_flags_unmeasured_rules(
    write: Callable[..., Path], persona_text: Callable[..., str]
) -> None:
    path = write(
        persona_text(always=("Write tests first", "Be kind to people"), never=("Commit secrets",)),
        sidecar="rules:\n  - {match: Commit secrets, graders: []}\n",
    )
    result = _run("persona", "show", str(path))
    out: str = result.stdout
    assert result.exit_code == 0
    assert out.count("UNMEASURED") == 2 and out.count("✔ measured") == 1
    assert "(by matcher)" in out
    assert "3 rules, 1 measured, 2 unmeasured (33% coverage)" in out
    assert "unmeasured: always-be-kind-to-people, never-commit-secrets" in out
    strict = _run("persona", "show", str(path), "--fail-unmeasured")
    assert strict.exit_code == 1
    assert _run("persona", "show", str(path), "--min-coverage", "0.3").exit_code == 0
    assert _run("persona", "show", str(path), "--min-coverage", "0.5").exit_code == 1


@pytest.mark.parametrize(
    ("text", "sidecar", "needle"),
    [
        ("# no frontmatter\n", None, "no YAML frontmatter"),
        ("---\nname: x\n---\n## Notes\n", None, "no rules"),
        (
            None,
            "rules:\n  - {match: Commit secrets, graders: [nosuch]}\n",
            "unknown grader 'nosuch'",
        ),
    ],
)
def test_bad_persona_exits_2_with_one_line(
    write: Callable[..., Path],
    persona_text: Callable[..., str],
    text: str | None,
    sidecar: str | None,
    needle: str,
) -> None:
    path = write(text if text is not None else persona_text(), sidecar=sidecar)
    result = _run("persona", "show", str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert str(path) in lines[0] or "rules.yaml" in lines[0]
    assert "Traceback" not in result.output


def test_show_and_diff_at_git_revisions(
    repo: Path, git: Callable[..., str], persona_text: Callable[..., str]
) -> None:
    path = repo / "p.md"
    path.write_text(persona_text(), encoding="utf-8")
    git(repo, "add", "p.md")
    git(repo, "commit", "-qm", "v1")
    path.write_text(persona_text(always=("Write tests first!", "Profile first")), encoding="utf-8")
    git(repo, "commit", "-qam", "v2")
    show = _run("persona", "show", f"{path}@HEAD~1")
    assert show.exit_code == 0 and "2 rules, 2 measured, 0 unmeasured" in show.stdout

    table = _run("persona", "diff", f"{path}@HEAD~1", f"{path}@HEAD", columns=160)
    out: str = table.stdout
    assert table.exit_code == 0
    assert "+ added" in out and "always-profile-first" in out
    assert "~ changed" in out and "text: 'Write tests first' → 'Write tests first!'" in out
    assert out.rstrip().splitlines()[-1] == "1 added, 0 removed, 1 changed, 1 unchanged"

    md = _run("persona", "diff", f"{path}@HEAD~1", str(path), "--format", "markdown").stdout
    assert md.startswith(f"### Persona rules: `{path}@HEAD~1` → `{path}`")
    data = json.loads(
        _run("persona", "diff", f"{path}@HEAD~1", str(path), "--format", "json").stdout
    )
    assert [r["id"] for r in data["added"]] == ["always-profile-first"]
    assert _run("persona", "diff", f"{path}@HEAD~1", str(path), "--exit-code").exit_code == 1


def test_diff_of_identical_personas(shipped: Path) -> None:
    result = _run("persona", "diff", str(shipped), str(shipped), "--exit-code")
    assert result.exit_code == 0
    assert "no rule changes (17 unchanged)" in result.stdout


def test_diff_bad_ref_exits_2(shipped: Path) -> None:
    result = _run("persona", "diff", str(shipped), f"{shipped}@no-such-rev")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {shipped}@no-such-rev: unknown git revision 'no-such-rev'; "
        "use a commit, tag, branch or e.g. HEAD~1"
    )


def test_map_prints_and_writes_the_decisions_into_the_sidecar(tmp_path: Path) -> None:
    source = Path(__file__).parent / "fixtures" / "api-developer.md"
    path = tmp_path / "api-developer.md"
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    before = load_persona(path)
    printed = _run("persona", "map", str(path))
    assert printed.exit_code == 0 and "behaviours:" in printed.stdout and "note:" in printed.stdout
    assert not path.with_name("api-developer.rules.yaml").exists()
    wrote = _run("persona", "map", str(path), "--write")
    assert wrote.exit_code == 0 and f"wrote {len(before.rules)} entries" in wrote.stdout
    after = load_persona(path)
    assert [(r.id, r.graders) for r in after.rules] == [(r.id, r.graders) for r in before.rules]
    assert {r.mapping for r in after.rules} == {"sidecar"} and after.warnings == before.warnings
    again = _run("persona", "map", str(path), "--write")
    assert "already mapped" in again.stdout
