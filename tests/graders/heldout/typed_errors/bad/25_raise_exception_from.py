# BAD (tricky): chains correctly with `from`, but the raised type is still the generic Exception.
import json
from pathlib import Path
from typing import Any


class Manifest:
    def __init__(self, name: str, version: str, entrypoint: str) -> None:
        self.name = name
        self.version = version
        self.entrypoint = entrypoint


def read_manifest(path: Path) -> Manifest:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise Exception(f"{path}: manifest is not valid JSON") from exc
    missing = [k for k in ("name", "version", "entrypoint") if k not in data]
    if missing:
        raise ValueError(f"{path}: manifest lacks {', '.join(missing)}")
    return Manifest(data["name"], data["version"], data["entrypoint"])


if __name__ == "__main__":
    m = read_manifest(Path("manifest.json"))
    print(m.name, m.version)
