# BAD: loading the feature-flag file catches Exception and silently returns defaults (typo in YAML = flags off).
import logging
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_FLAGS: dict[str, bool] = {"new_checkout": False, "beta_search": False}


def load_flags(path: Path) -> dict[str, bool]:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        flags = {str(k): bool(v) for k, v in (raw or {}).items()}
    except Exception:
        return dict(DEFAULT_FLAGS)
    merged = dict(DEFAULT_FLAGS)
    merged.update(flags)
    return merged


def is_enabled(flags: dict[str, bool], name: str) -> bool:
    return flags.get(name, False)


if __name__ == "__main__":
    f = load_flags(Path("flags.yaml"))
    print(is_enabled(f, "new_checkout"))
