"""``path@rev``: personas (and their sidecars) read through git at a revision."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evals.errors import PersonaError
from evals.persona import diff_personas, load_persona

V1_SIDECAR = (
    "version: 1\nrules:\n  - {id: always-tests, match: Write tests first, graders: [judge]}\n"
)


@pytest.fixture
def history(
    repo: Path, git: Callable[..., str], persona_text: Callable[..., str]
) -> tuple[Path, str]:
    """Two commits: v1 (with a sidecar, tagged v1) then v2 (a rule added, sidecar removed)."""
    personas = repo / "personas"
    personas.mkdir()
    path = personas / "p.md"
    path.write_text(persona_text(), encoding="utf-8")
    (personas / "p.rules.yaml").write_text(V1_SIDECAR, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "v1")
    git(repo, "tag", "v1")
    first = git(repo, "rev-parse", "HEAD")
    path.write_text(persona_text(never=("Commit secrets", "Skip validation")), encoding="utf-8")
    git(repo, "rm", "-q", "personas/p.rules.yaml")
    git(repo, "commit", "-qam", "v2")
    return path, first


@pytest.mark.parametrize("rev", ["HEAD~1", "v1", "main~1", "<sha>", "<short>"])
def test_reads_the_persona_and_sidecar_at_a_revision(history: tuple[Path, str], rev: str) -> None:
    path, first = history
    rev = rev.replace("<sha>", first).replace("<short>", first[:8])
    old = load_persona(f"{path}@{rev}")
    assert old.rev == rev and old.path == path and old.ref == f"{path}@{rev}"
    assert [r.id for r in old.rules] == ["always-tests", "never-commit-secrets"]
    assert old.rule("always-tests").graders == ("judge",)
    assert old.sidecar == path.with_name("p.rules.yaml")
    assert old.sha256 != load_persona(path).sha256


def test_head_matches_the_work_tree_and_a_missing_sidecar_is_fine(
    history: tuple[Path, str],
) -> None:
    path, _ = history
    head, disk = load_persona(f"{path}@HEAD"), load_persona(path)
    assert head.text == disk.text and head.sha256 == disk.sha256
    assert head.sidecar is None and head.rules == disk.rules
    assert [r.id for r in head.rules] == [
        "always-write-tests-first",
        "never-commit-secrets",
        "never-skip-validation",
    ]


def test_relative_path_from_another_directory(
    history: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = history
    monkeypatch.chdir(path.parent.parent)
    assert load_persona("personas/p.md@HEAD~1").rules[0].id == "always-tests"


def test_file_deleted_from_the_work_tree_is_still_readable_at_a_revision(
    history: tuple[Path, str], git: Callable[..., str]
) -> None:
    path, _ = history
    git(path.parent.parent, "rm", "-rq", "personas")
    assert not path.parent.exists()
    assert load_persona(f"{path}@HEAD").name == "tester"


def test_diff_between_revisions(history: tuple[Path, str]) -> None:
    path, _ = history
    diff = diff_personas(load_persona(f"{path}@HEAD~1"), load_persona(f"{path}@HEAD"))
    assert [r.id for r in diff.added] == ["never-skip-validation"]
    assert diff.removed == ()
    # The pin was dropped: same text, new id, so it is the same rule under a new id.
    assert [(o.id, n.id, s) for o, n, s in diff.reworded] == [
        ("always-tests", "always-write-tests-first", 1.0)
    ]
    assert diff.changed == () and diff.unchanged == 1


def test_a_file_whose_name_contains_at_is_a_file(
    write: Callable[..., Path], persona_text: Callable[..., str]
) -> None:
    path = write(persona_text(), "team@v2.md")
    assert load_persona(str(path)).rev is None


@pytest.mark.parametrize(
    ("ref", "needle"),
    [
        ("{path}@nosuchrev", "unknown git revision 'nosuchrev'"),
        ("{path}@HEAD~5", "unknown git revision 'HEAD~5'"),
        ("{dir}/other.md@HEAD", "other.md does not exist at revision 'HEAD'"),
        ("{path}@", "expected FILE or FILE@REV"),
    ],
)
def test_git_errors_are_one_line_naming_the_ref(
    history: tuple[Path, str], ref: str, needle: str
) -> None:
    path, _ = history
    ref = ref.format(path=path, dir=path.parent)
    with pytest.raises(PersonaError) as info:
        load_persona(ref)
    assert str(info.value).startswith(ref) and needle in str(info.value)
    assert "\n" not in str(info.value)


def test_not_a_repository(
    write: Callable[..., Path],
    persona_text: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write(persona_text(), "plain/p.md")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repo above tmp counts
    with pytest.raises(PersonaError, match="is not inside a git repository") as info:
        load_persona(f"{path}@HEAD")
    assert str(info.value).startswith(f"{path}@HEAD: {path.parent}")


def test_sidecar_errors_at_a_revision_name_the_revision(
    repo: Path, git: Callable[..., str], persona_text: Callable[..., str]
) -> None:
    (repo / "p.md").write_text(persona_text(), encoding="utf-8")
    (repo / "p.rules.yaml").write_text("rules: [", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "broken sidecar")
    (repo / "p.rules.yaml").write_text("", encoding="utf-8")
    load_persona(repo / "p.md")  # the work tree is fine ...
    with pytest.raises(PersonaError, match=r"p\.rules\.yaml@HEAD: invalid YAML"):
        load_persona(f"{repo / 'p.md'}@HEAD")  # ... the committed sidecar is not
