"""Render files as model text in the output contract (used by the offline providers)."""

from __future__ import annotations

__all__ = ["files_as_answer"]


def files_as_answer(files: dict[str, str], preamble: str = "Here is my implementation.") -> str:
    blocks = []
    for path, text in files.items():
        lang = "python" if path.endswith(".py") else ""
        body = text if text.endswith("\n") else text + "\n"
        blocks.append(f"```{lang} file={path}\n{body}```")
    return preamble + "\n\n" + "\n\n".join(blocks) + "\n"
