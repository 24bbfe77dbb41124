"""Bytecode for the sample: read only from read-only trees, never from anywhere writable.

The sample runs with ``sys.pycache_prefix`` pointing at a path that does not exist inside
the read-only hidden-tests mount, so by default no ``.pyc`` is read at all: not from the
workdir's ``__pycache__`` (the candidate's to plant), not from beside the hidden tests.
Applied to the whole interpreter that costs a lot: every module the sample imports that
the warm worker had not (the standard library's, the runtime venv's: ``fastapi`` and
friends) was compiled from source in every sample, about 1-2 s per run for a FastAPI task.

:func:`trust_read_only` restores the normal ``__pycache__`` lookup for exactly the modules
that live on a read-only mount the sample cannot change (in ``bwrap``: the runtime venv and
the interpreter installation, bound read-only): a path hook gives their ``sys.path``
folders a loader that maps the prefixed bytecode path back to the module's own
``__pycache__``, and reads it only when that folder is on a read-only filesystem. Every
other folder (the workdir, the hidden tests, ``/tmp``) keeps the default loader and
therefore still reads no bytecode. The ``.pyc`` is validated against its source as usual
(timestamp or hash), so a stale file is ignored, and nothing is ever written.
"""

from __future__ import annotations

import os
import sys
from importlib.abc import PathEntryFinder
from importlib.machinery import (
    BYTECODE_SUFFIXES,
    EXTENSION_SUFFIXES,
    SOURCE_SUFFIXES,
    ExtensionFileLoader,
    FileFinder,
    SourceFileLoader,
    SourcelessFileLoader,
)

__all__ = ["trust_read_only"]


def _read_only(path: str, cache: dict[str, bool]) -> bool:
    if path not in cache:
        try:
            cache[path] = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
        except OSError:
            cache[path] = False
    return cache[path]


def trust_read_only(*trees: str) -> tuple[str, ...]:
    """Read ``__pycache__`` for modules under those of ``trees`` mounted read-only.

    Needs ``sys.pycache_prefix`` set (the default lookup this bypasses). Returns the trees
    trusted (none in the process fallback, where the venv is writable).
    """
    ro: dict[str, bool] = {}
    roots = tuple(t for t in dict.fromkeys(os.path.realpath(t) for t in trees) if _read_only(t, ro))
    if not sys.pycache_prefix or not roots:
        return ()
    prefix: str = sys.pycache_prefix

    def inside(path: str) -> bool:
        return any(path == r or path.startswith(r + os.sep) for r in roots)

    class ReadOnlyCacheLoader(SourceFileLoader):
        """A source loader that reads the module's own ``__pycache__`` if read-only."""

        def get_data(self, path: str) -> bytes:
            if path.endswith(".pyc") and path.startswith(prefix + os.sep):
                folder, name = os.path.split(path[len(prefix) :])
                real = os.path.realpath(os.path.join(folder, "__pycache__", name))
                here = os.path.dirname(real)
                if inside(real) and _read_only(here, ro):
                    path = real
            return super().get_data(path)

    details = [
        (ExtensionFileLoader, EXTENSION_SUFFIXES),
        (SourceFileLoader, SOURCE_SUFFIXES),
        (SourcelessFileLoader, BYTECODE_SUFFIXES),
    ]
    default = FileFinder.path_hook(*details)
    details[1] = (ReadOnlyCacheLoader, SOURCE_SUFFIXES)
    trusted = FileFinder.path_hook(*details)

    def hook(entry: str) -> PathEntryFinder:
        real = os.path.realpath(entry or os.getcwd())
        return trusted(entry) if inside(real) else default(entry)

    sys.path_hooks[:] = [h for h in sys.path_hooks if "FileFinder" not in repr(h)] + [hook]
    sys.path_importer_cache.clear()
    return roots
