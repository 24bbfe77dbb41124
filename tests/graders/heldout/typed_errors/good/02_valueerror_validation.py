# GOOD: input validation raises the built-in ValueError/TypeError where they are the precise meaning.
import re
from dataclasses import dataclass

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


@dataclass(frozen=True)
class ProjectSpec:
    slug: str
    max_members: int

    def __post_init__(self) -> None:
        if not isinstance(self.max_members, int):
            raise TypeError(f"max_members must be int, got {type(self.max_members).__name__}")
        if not _SLUG.match(self.slug):
            raise ValueError(f"slug {self.slug!r} must match {_SLUG.pattern}")
        if not 1 <= self.max_members <= 500:
            raise ValueError(f"max_members must be in 1..500, got {self.max_members}")


def parse_spec(data: dict[str, object]) -> ProjectSpec:
    slug = data.get("slug")
    if not isinstance(slug, str):
        raise ValueError("slug is required and must be a string")
    members = data.get("max_members", 10)
    return ProjectSpec(slug=slug, max_members=members)  # type: ignore[arg-type]
