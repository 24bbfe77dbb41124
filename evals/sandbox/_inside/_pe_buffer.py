"""Private buffers for what samples send and print, wiped as soon as they are used.

Every sample is a fork of the warm worker, so it inherits the worker's whole address
space, freed heap blocks included: had the worker parsed earlier requests into objects,
a sample could scan its own memory for another candidate's answer or for other draws of
the served hidden tests (whose differences tell real tests from canaries). So a
request's files and a sample's output never become objects of the worker: they are read
straight into a private anonymous mapping (``os.readv``, no intermediate ``bytes``),
forwarded from there, and the mapping is zeroed when done. The worker only parses the
small header of a request (kind, limits, argv) and the status lines of its own child.
"""

from __future__ import annotations

import mmap
import os

_PAGE = mmap.PAGESIZE


class Buffer:
    """A growable private mapping holding one payload at a time."""

    def __init__(self, size: int = 1 << 16) -> None:
        self.mm = mmap.mmap(-1, max(size, _PAGE), flags=mmap.MAP_PRIVATE)
        self.used = 0

    def _reserve(self, size: int) -> None:
        if size <= len(self.mm):
            return
        bigger = mmap.mmap(-1, max(size, 2 * len(self.mm)), flags=mmap.MAP_PRIVATE)
        used = self.used
        with memoryview(self.mm) as old:  # copied buffer to buffer: no object of its own
            bigger[:used] = old[:used]
        self.wipe()
        self.mm.close()  # unmapped: the kernel hands out zeroed pages next time
        self.mm, self.used = bigger, used

    def view(self) -> memoryview:
        return memoryview(self.mm)[: self.used]

    def fill(self, fd: int, size: int) -> bool:
        """Read exactly ``size`` bytes from ``fd``; False at end of input."""
        self.wipe()
        self._reserve(size)
        while self.used < size:
            got = os.readv(fd, [memoryview(self.mm)[self.used : size]])
            if not got:
                return False
            self.used += got
        return True

    def pump(self, fd: int, cap: int) -> int:
        """Read what ``fd`` has (at most 64 KiB) and keep up to ``cap`` bytes in all.

        Returns how many bytes were read (0: end of input); bytes past the cap are read
        into the spare end of the mapping and dropped.
        """
        self._reserve(min(self.used + 65536, cap) + 65536)
        start = min(self.used, cap)
        got = os.readv(fd, [memoryview(self.mm)[start : start + 65536]])
        kept = max(0, min(got, cap - start))
        if got > kept:
            self.mm[start + kept : start + got] = bytes(got - kept)
        self.used = start + kept
        return got

    def find(self, needle: bytes, tail: int) -> bool:
        """Whether ``needle`` occurs in the last ``tail`` bytes."""
        return self.mm.find(needle, max(0, self.used - tail), self.used) >= 0

    def wipe(self) -> None:
        """Zero what the buffer held."""
        if self.used:
            self.mm[: self.used] = bytes(self.used)
        self.used = 0
