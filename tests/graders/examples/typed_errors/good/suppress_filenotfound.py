# contextlib.suppress with a specific error: deleting a file that may be gone.
import contextlib
import os


def cleanup(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
