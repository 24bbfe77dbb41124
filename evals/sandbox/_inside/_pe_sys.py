"""Thin ctypes wrappers over the Linux calls the worker needs (unshare, mount, prctl, capset,
seccomp)."""

from __future__ import annotations

import ctypes
import os
import platform

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000

PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

_libc = None


def libc() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(libc().unshare(flags), "unshare")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(
        libc().mount(
            source.encode(),
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def umount2(target: str, flags: int) -> None:
    _check(libc().umount2(target.encode(), ctypes.c_int(flags)), f"umount {target}")


def bind_readonly(path: str) -> None:
    """Make ``path`` (file or dir) a read-only bind mount of itself."""
    mount(path, path, None, MS_BIND, None)
    mount("none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None)


def prctl(option: int, arg: int) -> None:
    _check(libc().prctl(option, ctypes.c_ulong(arg), 0, 0, 0), "prctl")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities() -> None:
    """Clear every capability of this process (effective, permitted, inheritable)."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(libc().capset(ctypes.byref(header), ctypes.byref(data)), "capset")


# -- seccomp: what the sample may never do, whatever uid or capabilities it holds --------

#: x86_64 syscalls refused with EPERM: new namespaces, mounts, root changes, keyrings,
#: bpf, perf, userfaultfd, io_uring, ptrace and cross-process memory access.
_DENY_X86_64 = {
    "ptrace": 101, "pivot_root": 155, "chroot": 161, "mount": 165, "umount2": 166,
    "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272, "perf_event_open": 298,
    "name_to_handle_at": 303, "open_by_handle_at": 304, "setns": 308, "process_vm_readv": 310,
    "process_vm_writev": 311, "bpf": 321, "userfaultfd": 323, "io_uring_setup": 425,
    "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428, "move_mount": 429,
    "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
}  # fmt: skip
_CLONE, _CLONE3 = 56, 435
#: CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
_NAMESPACE_FLAGS = 0x80 | 0x20000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
_NAMESPACE_FLAGS |= 0x20000000 | 0x40000000
_AUDIT_ARCH_X86_64 = 0xC000003E
_RET_ALLOW, _RET_KILL = 0x7FFF0000, 0x80000000
_RET_EPERM, _RET_ENOSYS = 0x00050000 | 1, 0x00050000 | 38


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _program() -> list[tuple[int, int, int, int]]:
    """The BPF filter, assembled with labels (``None`` = fall through to the next insn)."""
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    asm: list[tuple[int, str | None, str | None, int] | str] = [
        (ld, None, None, 4),  # seccomp_data.arch
        (jeq, None, "kill", _AUDIT_ARCH_X86_64),
        (ld, None, None, 0),  # seccomp_data.nr
        (jge, "eperm", None, 0x40000000),  # the x32 ABI: refuse all of it
        *[(jeq, "eperm", None, nr) for nr in sorted(_DENY_X86_64.values())],
        (jeq, "clone", None, _CLONE),
        (jeq, "enosys", None, _CLONE3),  # flags live in memory BPF cannot read; libc falls back
        (ret, None, None, _RET_ALLOW),
        "clone",
        (ld, None, None, 16),  # args[0], low 32 bits: the clone flags
        (jset, "eperm", None, _NAMESPACE_FLAGS),
        (ret, None, None, _RET_ALLOW),
        "eperm",
        (ret, None, None, _RET_EPERM),
        "enosys",
        (ret, None, None, _RET_ENOSYS),
        "kill",
        (ret, None, None, _RET_KILL),
    ]
    labels: dict[str, int] = {}
    insns: list[tuple[int, str | None, str | None, int]] = []
    for item in asm:
        if isinstance(item, str):
            labels[item] = len(insns)
        else:
            insns.append(item)
    out = []
    for i, (code, jt, jf, k) in enumerate(insns):
        rel = [labels[t] - i - 1 if t is not None else 0 for t in (jt, jf)]
        if any(not 0 <= r < 256 for r in rel):
            raise ValueError("seccomp jump out of range")
        out.append((code, rel[0], rel[1], k))
    return out


def install_seccomp() -> bool:
    """Install the filter on this thread's process (needs no_new_privs); False if unsupported.

    Only x86_64 is covered (syscall numbers differ per architecture); elsewhere the
    sandbox relies on the dropped capabilities and the sample uid alone.
    """
    if platform.machine() != "x86_64":
        return False
    insns = _program()
    array = (_SockFilter * len(insns))(*[_SockFilter(*insn) for insn in insns])
    prog = _SockFprog(len(insns), array)
    _check(
        libc().prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog), 0, 0),
        "seccomp",
    )
    return True
