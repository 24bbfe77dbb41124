"""Text normalisation shared by rule ids and sidecar matching.

Both ignore what an editor changes without changing meaning: case, whitespace,
punctuation, accents and markdown emphasis. ``"**Fail  fast!**"`` and ``"fail fast"``
normalise alike, so such edits neither change a rule's id nor break a sidecar match.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SLUG_WORDS", "normalise", "slug", "words"]

#: A default id keeps at most this many words of the bullet: short, yet distinct.
SLUG_WORDS = 8

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>]*>")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)")
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The lowercase words of ``text`` with markdown and punctuation dropped.

    Links keep their text and lose their target; an apostrophe inside a word is
    removed (``don't`` -> ``dont``) so adding or dropping one keeps the word whole;
    accents are folded (``naïve`` -> ``naive``).

    Args:
        text: Markdown text, usually one bullet or heading.

    Returns:
        The words in order; empty when ``text`` holds no letters or digits.
    """
    text = _AUTOLINK.sub(" ", _LINK.sub(r"\1", text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _INNER_APOSTROPHE.sub("", text.casefold())
    return _WORD.findall(text)


def normalise(text: str) -> str:
    """``text`` reduced to its words joined by single spaces (for comparisons)."""
    return " ".join(words(text))


def slug(text: str, *, max_words: int = SLUG_WORDS) -> str:
    """A stable id fragment: the first ``max_words`` words of ``text`` joined by ``-``."""
    return "-".join(words(text)[:max_words])
