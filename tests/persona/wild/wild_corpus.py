"""The wild corpus: real Claude Code subagent files, read from the fetched mirrors.

Nothing fetched is committed. ``manifest.json`` beside this file lists each file as
``owner/repo@commit:path`` with its licence, sha256, split (``dev``: the repositories
the extractor was developed against; ``heldout``: other repositories, kept aside in
session 2; ``fresh``: yet other repositories, fetched and labelled in session 3 before
the matcher was run on them),
whether it is a backend/API/database persona (a label from its file name), and the
number of rules it yields (pinned). The text is read at test time with
``git --git-dir=<mirror>/<owner>+<repo>/repo show <commit>:<path>``.

Run ``python tests/persona/wild/wild_corpus.py`` to print the figures of issue #18 for both
splits; ``--pin`` rewrites the pinned rule counts after a deliberate extractor change.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.errors import PersonaError
from evals.persona import Persona, parse_persona

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.json"
MIRROR = Path(os.environ.get("PERSONA_WILD_MIRROR", "/work/.mirror"))
#: dev: tuned on; heldout: held out in session 2; fresh: held out in session 3.
SPLITS = ("dev", "heldout", "fresh")


@dataclass(frozen=True)
class Entry:
    """One corpus file."""

    split: str
    repo: str
    commit: str
    path: str
    licence: str
    sha256: str
    backend: bool
    rules: int

    @property
    def key(self) -> str:
        """``owner/repo@commit:path``."""
        return f"{self.repo}@{self.commit[:12]}:{self.path}"

    @property
    def git_dir(self) -> Path:
        """The mirror's bare git directory for the repository."""
        return MIRROR / self.repo.replace("/", "+") / "repo"


def entries(split: str | None = None) -> list[Entry]:
    """The manifest's entries, optionally of one split."""
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    items = [Entry(**item) for item in data["files"]]
    return [e for e in items if split is None or e.split == split]


def missing_mirrors(items: list[Entry]) -> list[str]:
    """Repositories of ``items`` whose mirror is absent (tests skip naming them)."""
    return sorted({e.repo for e in items if not e.git_dir.is_dir()})


def read(entry: Entry) -> str:
    """The file's text at its pinned commit, checked against its sha256.

    Raises:
        RuntimeError: git failed or the bytes differ from the manifest.
    """
    done = subprocess.run(
        ["git", "--git-dir", str(entry.git_dir), "show", f"{entry.commit}:{entry.path}"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{entry.key}: {done.stderr.decode(errors='replace').strip()}")
    text = done.stdout.decode("utf-8")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != entry.sha256:
        raise RuntimeError(f"{entry.key}: sha256 differs from the manifest")
    return text


def read_all(items: list[Entry]) -> dict[str, str]:
    """Every entry's text by key, one ``git cat-file --batch`` per repository.

    Raises:
        RuntimeError: An object is missing or its bytes differ from the manifest.
    """
    texts: dict[str, str] = {}
    by_repo: dict[Path, list[Entry]] = {}
    for entry in items:
        by_repo.setdefault(entry.git_dir, []).append(entry)
    for git_dir, group in by_repo.items():
        request = "".join(f"{e.commit}:{e.path}\n" for e in group).encode()
        done = subprocess.run(
            ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
            input=request,
            capture_output=True,
            timeout=120,
            check=True,
        )
        out, at = done.stdout, 0
        for entry in group:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            if len(header) < 3 or header[1] != b"blob":
                raise RuntimeError(f"{entry.key}: not in the mirror ({header!r})")
            size = int(header[2])
            data = out[end + 1 : end + 1 + size]
            at = end + 2 + size
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                raise RuntimeError(f"{entry.key}: sha256 differs from the manifest")
            texts[entry.key] = data.decode("utf-8")
    return texts


def load(entry: Entry, text: str | None = None) -> Persona:
    """Parse the entry as a persona (no sidecar), as ``evals persona show`` would."""
    return parse_persona(read(entry) if text is None else text, source=entry.key)


@dataclass(frozen=True)
class Figures:
    """The done-when figures of one split."""

    files: int
    loaded: int
    median_rules: float
    backend_rules: int
    backend_mapped: int
    backend_graders: int
    failures: tuple[str, ...]

    @property
    def load_share(self) -> float:
        """Files that load, over all files."""
        return self.loaded / self.files if self.files else 0.0

    @property
    def mapped_share(self) -> float:
        """Rules of backend/API/database personas mapped to a grader or the judge."""
        return self.backend_mapped / self.backend_rules if self.backend_rules else 0.0

    @property
    def grader_share(self) -> float:
        """The same, counting only deterministic graders (not the judge)."""
        return self.backend_graders / self.backend_rules if self.backend_rules else 0.0

    def line(self, split: str) -> str:
        """One printable line."""
        return (
            f"{split}: {self.loaded}/{self.files} files load ({self.load_share:.1%}); "
            f"median {self.median_rules:g} rules per file; backend/API/database personas: "
            f"{self.backend_mapped}/{self.backend_rules} rules mapped ({self.mapped_share:.1%}), "
            f"{self.backend_graders} to a deterministic grader ({self.grader_share:.1%})"
        )


def figures(items: list[Entry]) -> tuple[Figures, dict[str, int]]:
    """Load every entry; returns the figures and each loaded entry's rule count."""
    counts: dict[str, int] = {}
    failures: list[str] = []
    rules, mapped, graded = 0, 0, 0
    texts = read_all(items)
    for entry in items:
        try:
            persona = load(entry, texts[entry.key])
        except PersonaError as exc:
            failures.append(str(exc))
            counts[entry.key] = 0
            continue
        counts[entry.key] = len(persona.rules)
        if entry.backend:
            rules += len(persona.rules)
            mapped += sum(1 for r in persona.rules if r.graders)
            graded += sum(1 for r in persona.rules if set(r.graders) - {"judge"})
    per_file = [counts[e.key] for e in items]
    return (
        Figures(
            files=len(items),
            loaded=len(items) - len(failures),
            median_rules=statistics.median(per_file) if per_file else 0.0,
            backend_rules=rules,
            backend_mapped=mapped,
            backend_graders=graded,
            failures=tuple(failures),
        ),
        counts,
    )


def main(argv: list[str]) -> int:
    """Print the figures per split; ``--pin`` rewrites the pinned rule counts."""
    items = entries()
    absent = missing_mirrors(items)
    if absent:
        print(f"mirror absent for: {', '.join(absent)} (under {MIRROR})", file=sys.stderr)
        return 2
    all_counts: dict[str, int] = {}
    for split in SPLITS:
        result, counts = figures([e for e in items if e.split == split])
        all_counts.update(counts)
        print(result.line(split))
        for failure in result.failures:
            print(f"  does not load: {failure}")
    if "--pin" in argv:
        data: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
        for item in data["files"]:
            key = Entry(**item).key
            item["rules"] = all_counts[key]
        MANIFEST.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"pinned rule counts of {len(data['files'])} files in {MANIFEST}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
