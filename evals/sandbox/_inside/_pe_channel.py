"""The worker's channel to the harness, and the buffers a sample's data passes through.

Framed JSON messages (a 4-byte length, then the body) both ways; a request's files and a
result's stdout, stderr and report travel raw after their message, through the private
buffers of ``_pe_buffer`` so they never become objects of the worker (see there why).
"""

from __future__ import annotations

import json
import os
import signal
import struct
from typing import Any

from _pe_buffer import Buffer

_HEADER = struct.Struct(">I")


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_message(fd: int) -> dict[str, Any] | None:
    head = _read_exact(fd, _HEADER.size)
    if head is None:
        return None
    body = _read_exact(fd, _HEADER.unpack(head)[0])
    return None if body is None else json.loads(body)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    while data:
        data = data[os.write(fd, data) :]


def write_message(fd: int, message: dict[str, Any]) -> None:
    body = json.dumps(message).encode()
    _write_all(fd, _HEADER.pack(len(body)) + body)


def write_result(fd: int, message: dict[str, Any], buffers: Buffers) -> None:
    """``message``, then the raw sections it names (``raw``), straight from the buffers,
    which are wiped after."""
    write_message(fd, message)
    for _, buf in buffers.outputs():
        with buf.view() as view:
            _write_all(fd, view)
        buf.wipe()
    buffers.status.wipe()


def pid_of(status: Buffer) -> int:
    with status.view() as view:
        return int(bytes(view).split(b"\n")[0].split()[1])


class Capture:
    """Read one pipe up to a byte cap, into a private buffer (``_pe_buffer``)."""

    def __init__(self, fd: int, cap: int, buffer: Buffer) -> None:
        self.fd, self.cap, self.data = fd, cap, buffer
        self.data.wipe()
        self.truncated = False
        self.open = True

    def pump(self) -> None:
        before = self.data.used
        got = self.data.pump(self.fd, self.cap)
        if not got:
            self.open = False
            os.close(self.fd)
            return
        if self.data.used - before < got:
            self.truncated = True


class Buffers:
    """The worker's private buffers (``_pe_buffer``): one request's files, one sample's
    output streams and its child's status lines."""

    def __init__(self) -> None:
        self.payload, self.status = Buffer(), Buffer(4096)
        self.stdout, self.stderr, self.report = Buffer(), Buffer(), Buffer()

    def outputs(self) -> list[tuple[str, Buffer]]:
        return [("stdout", self.stdout), ("stderr", self.stderr), ("report", self.report)]


def payload_of(buffers: Buffers) -> dict[str, Any]:
    """The request's files (parsed in the process that runs the sample, never before)."""
    if not buffers.payload.used:
        return {}
    with buffers.payload.view() as view:
        data: dict[str, Any] = json.loads(bytes(view))
    return data


def status_of(data: bytes) -> tuple[int | None, int | None, str]:
    """Decode A's ``pid``/``status``/``error`` lines into (exit code, signal, note)."""
    exit_code: int | None = None
    sig: int | None = None
    note = ""
    for line in data.decode("utf-8", "replace").splitlines():
        word, _, rest = line.partition(" ")
        if word == "status":
            raw = int(rest)
            if os.WIFSIGNALED(raw):
                sig = os.WTERMSIG(raw)
            elif os.WIFEXITED(raw):
                exit_code = os.WEXITSTATUS(raw)
        elif word == "error":
            note = rest
    if exit_code is None and sig is None and not note:
        sig = int(signal.SIGKILL)  # A died without reporting: it was killed
        note = "the sample's supervisor process was killed"
    return exit_code, sig, note
