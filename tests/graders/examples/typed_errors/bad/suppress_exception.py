# contextlib.suppress(Exception) hides every error while deleting temp files.
import contextlib
import os


def cleanup(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(Exception):
            os.remove(path)
