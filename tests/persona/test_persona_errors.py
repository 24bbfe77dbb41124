"""Bad personas fail with one line that names the file, the problem and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evals.errors import EvalsError, PersonaError
from evals.persona import load_persona

GOOD_BODY = "## Always Do\n- Write tests\n"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("# Just markdown\n" + GOOD_BODY, "no YAML frontmatter"),
        ("---\nname: x\n" + GOOD_BODY, "no YAML frontmatter"),
        ("", "no YAML frontmatter"),
        ("---\n- a\n- b\n---\n" + GOOD_BODY, "frontmatter must be a YAML mapping"),
        ("---\n---\n" + GOOD_BODY, "name: missing or empty"),
        (
            "---\ndescription: d\n---\n" + GOOD_BODY,
            "name: missing or empty; add `name: <persona-name>`",
        ),
        ("---\nname: ''\n---\n" + GOOD_BODY, "name: missing or empty"),
        ("---\nname: [a]\n---\n" + GOOD_BODY, "name: missing or empty"),
        (
            "---\nname: x\n---\n## Notes\n- not a rule\n",
            "no rules: no bullet, numbered step or sentence says what to do",
        ),
        ("---\nname: x\n---\n## Always Do\nNo bullets here.\n", "(headings found: 'Always Do')"),
        ("---\nname: x\n---\n## Always Do\n- \n", "no rules"),
    ],
)
def test_bad_persona_is_one_line_naming_the_file(
    write: Callable[..., Path], text: str, needle: str
) -> None:
    path = write(text, "bad.md")
    with pytest.raises(PersonaError) as info:
        load_persona(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: "), message
    assert needle in message, message
    assert isinstance(info.value, EvalsError) and info.value.exit_code == 2


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        (lambda tmp: tmp / "missing.md", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: _binary(tmp / "latin1.md"), "not UTF-8 text"),
    ],
)
def test_unreadable_files(tmp_path: Path, setup: Callable[[Path], Path], needle: str) -> None:
    path = setup(tmp_path)
    with pytest.raises(PersonaError, match=needle) as info:
        load_persona(str(path))
    assert str(info.value).startswith(str(path))


def _binary(path: Path) -> Path:
    path.write_bytes(b"---\nname: caf\xe9\n---\n")
    return path


def test_unknown_rule_id_names_the_known_ones(
    write: Callable[..., Path], persona_text: Callable[..., str]
) -> None:
    persona = load_persona(write(persona_text()))
    with pytest.raises(
        PersonaError,
        match="no rule 'nope' in persona tester; its rules are: "
        "always-write-tests-first, never-commit-secrets",
    ):
        persona.rule("nope")


@pytest.mark.parametrize(
    ("front", "warning"),
    [
        ("name: x\ndescription: [unclosed", "not valid YAML at line 3, column 23"),
        ("name: x\n  bad: indent", "not valid YAML at line 3"),
        ("name: x\ndescription: 3", "description: expected a string"),
        ("name: x\ntools: {a: 1}", "tools: expected a list of tool names"),
    ],
)
def test_lenient_frontmatter_loads_with_a_warning(
    write: Callable[..., Path], front: str, warning: str
) -> None:
    persona = load_persona(write(f"---\n{front}\n---\n{GOOD_BODY}", "lenient.md"))
    assert persona.name == "x" and [r.id for r in persona.rules] == ["always-write-tests"]
    assert any(warning in w for w in persona.warnings), persona.warnings


def test_repeated_and_empty_bullets_are_warnings(write: Callable[..., Path]) -> None:
    text = "---\nname: x\n---\n## Always Do\n- Write tests\n- write tests!\n- \n"
    persona = load_persona(write(text, "dupes.md"))
    assert [r.id for r in persona.rules] == ["always-write-tests"]
    assert any("repeats the rule on line 5" in w for w in persona.warnings)
    assert any("line 7: an empty bullet" in w for w in persona.warnings)
