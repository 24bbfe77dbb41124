# good: tests use the tmp_path fixture to write files
import json
from pathlib import Path


def save(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data))


def load(path: Path) -> dict:
    return json.loads(path.read_text())
