"""``load_persona``: read a persona (a file, or ``file@rev`` through git) and its sidecar."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path

from evals.errors import PersonaError
from evals.persona._git import git_read, split_ref
from evals.persona._model import Persona
from evals.persona._parse import parse_persona

__all__ = ["load_persona", "sidecar_path"]


def sidecar_path(path: Path) -> Path:
    """Where a persona's sidecar lives: ``<same dir>/<stem>.rules.yaml``."""
    return path.with_name(f"{path.stem}.rules.yaml")


def load_persona(
    ref: str | Path,
    *,
    known_graders: Iterable[str] | None = None,
    measures: Mapping[str, Iterable[str]] | None = None,
) -> Persona:
    """Load a persona file, or one revision of it, with its sidecar.

    Args:
        ref: ``personas/x.md`` or ``personas/x.md@<git-rev>`` (HEAD, HEAD~1, a sha,
            a tag). At a revision, the sidecar is read at the same revision.
        known_graders: When given, every grader the sidecar names must be one of these.
        measures: Grader -> behaviours it measures (default: ``graders.behaviours``).

    Returns:
        The parsed persona.

    Raises:
        PersonaError: One line naming the file (or ``file@rev``) and the problem.
    """
    if isinstance(ref, Path):
        path, rev, name = ref, None, str(ref)
    else:
        path, rev = split_ref(ref)
        name = ref
    side = sidecar_path(path)
    if rev is None:
        text = _read(path, name)
        side_text = _read(side, str(side)) if side.is_file() else None
        side_name = str(side)
    else:
        text = git_read(path, rev, ref=name)
        side_name = f"{side}@{rev}"
        side_text = git_read(side, rev, ref=side_name, missing_ok=True)
    persona = parse_persona(
        text,
        source=name,
        sidecar_text=side_text,
        sidecar_source=side_name,
        known_graders=known_graders,
        measures=measures,
    )
    return dataclasses.replace(
        persona, path=path, rev=rev, sidecar=side if side_text is not None else None
    )


def _read(path: Path, name: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PersonaError(
            "no such file; check the path (or use FILE@REV for a git revision)", path=name
        ) from None
    except IsADirectoryError:
        raise PersonaError("is a directory; give the persona's .md file", path=name) from None
    except UnicodeDecodeError as exc:
        raise PersonaError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path=name
        ) from None
    except OSError as exc:
        raise PersonaError(f"cannot read: {exc.strerror}", path=name) from None
