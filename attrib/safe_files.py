"""Writing output files without trusting what is already at the path.

Reports and scan outputs often go into shared folders. A fixed temporary name can be
planted as a symlink to a file the user may write (their own, or any file when run as
root), and a device, a folder or someone's file can sit where a report is asked for. So:
temporary files get unique names and are created with ``O_EXCL`` (which never follows a
symlink), only a new path or (when asked) a regular file is replaced, files we append to
are opened with ``O_NOFOLLOW`` and must be regular files, new files get the usual
``0666 & ~umask`` mode, and a scan folder is locked while a scan writes it.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from typing import Iterable
from pathlib import Path

from attrib.errors import InputError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; scans there are not guarded
    fcntl = None  # type: ignore[assignment]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_TEMP_TRIES = 100


def check_target(path: Path, *, force: bool = False) -> os.stat_result | None:
    """Refuse to write ``path`` unless it is new, or a regular file and ``force`` is set.

    Returns the existing file's status (None for a new path). Devices, pipes, folders and
    symlinks are refused even with ``force``: replacing them is never what was meant.
    """
    path = Path(path)
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise InputError("folder does not exist", source=str(path.parent)) from None
        return None
    except NotADirectoryError:
        raise InputError("a parent of this path is not a folder", source=str(path)) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError("is a folder; give a file name", source=str(path))
    if not stat.S_ISREG(status.st_mode):
        raise InputError("is not a regular file (a symlink, device, pipe or socket); refusing to replace it", source=str(path))
    if not force:
        raise InputError("exists; use --force to overwrite it", source=str(path))
    return status


def write_atomic(
    path: Path, content: str | Iterable[str], *, overwrite: bool = True, mode: int | None = None, newline: str | None = None
) -> None:
    """Write ``content`` (UTF-8; a string, or pieces written one after the other so that
    the whole never sits in memory) to ``path`` through a unique temporary file in the
    same folder, renamed into place, so readers see the old file or the new one, never half.

    ``overwrite=False`` refuses (``InputError``) when ``path`` appeared meanwhile.
    ``mode``: permission bits for the file (default: ``0666 & ~umask``).
    """
    path = Path(path)
    handle, tmp = _create_temp(path)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=newline) as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
            if isinstance(content, str):
                f.write(content)
            else:
                f.writelines(content)
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # fails, unlike rename, when something is already there
        except FileExistsError:
            raise InputError("exists; use --force to overwrite it", source=str(path)) from None
        except OSError:  # a file system without hard links
            os.replace(tmp, path)
        else:
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _create_temp(path: Path) -> tuple[int, str]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    stem = path.name[:200]
    for _ in range(_TEMP_TRIES):
        tmp = str(path.parent / f".{stem}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(path.parent))


def open_regular(path: Path, flags: int) -> int:
    """``os.open`` that refuses symlinks and anything but a regular file (``InputError``)."""
    try:
        fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK, 0o666)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputError("is a symlink; refusing to write through it", source=str(path)) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError("is not a regular file; refusing to use it", source=str(path))
    if _NONBLOCK:
        os.set_blocking(fd, True)
    return fd


def lock_folder(folder: Path, name: str, busy: str) -> int:
    """Take an exclusive, non-blocking lock on ``folder/name``; returns the descriptor to
    close when done. Raises ``InputError(busy)`` when another process holds it."""
    fd = open_regular(Path(folder) / name, os.O_RDWR | os.O_CREAT)
    if fcntl is None:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise InputError(busy, source=str(folder)) from None
    return fd
