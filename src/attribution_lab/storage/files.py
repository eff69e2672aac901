"""Reading and writing one file safely: regular files only, never waited on, writes atomic."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from ..formats.limits import MAX_SUBMISSION_BYTES


def lock_path(path: Path) -> Path:
    """The hidden lock file beside an answers file (``.answers-kursk.json.lock``)."""
    return path.with_name(f".{path.name}.lock")


class NotRegularFileError(OSError):
    """The answers path is a pipe, a device, a socket or a folder: never read, written or waited on."""


def read_regular(path: Path, limit: int = MAX_SUBMISSION_BYTES) -> bytes | None:
    """A regular file's bytes, or None when it does not exist.

    Opened without blocking and checked before reading, so a pipe at the path cannot hang the
    caller; raises :class:`NotRegularFileError` for anything but a regular file, OSError when it
    cannot be read. A file over ``limit`` comes back as ``limit + 1`` spaces, which the answers
    format refuses with a clear message, so a huge file is never read into memory.
    """
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except IsADirectoryError as error:
        raise NotRegularFileError(error.errno, "it is a folder, not a file") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, device or socket"
            raise NotRegularFileError(0, f"it is {kind}, not a file")
    except BaseException:
        os.close(handle)
        raise
    try:
        if info.st_size > limit:
            return b" " * (limit + 1)
        return read_open_file(handle, info.st_size, limit)
    finally:
        os.close(handle)


def read_open_file(fd: int, size: int, limit: int = MAX_SUBMISSION_BYTES) -> bytes:
    """The bytes of an open file whose size was ``size``: read in one piece of that size (not a
    buffer as large as the limit), until the end of the file or one byte past ``limit``, so a file
    that grew meanwhile is still told to be too large.
    """
    parts, got, want = [], 0, size + 1
    while got <= limit:
        chunk = os.read(fd, min(want, limit + 1 - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
        want = limit + 1 - got
    return parts[0] if len(parts) == 1 else b"".join(parts)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is always either the old or the new content.

    A temporary file in the same folder is written, flushed and fsynced, then renamed over the
    target (``os.replace`` is atomic on one file system). On any error the temporary file is removed
    and the old file is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temp_name, path.stat().st_mode & 0o777)  # keep the old file's permissions
        except OSError:
            os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):  # already gone: nothing else to clean up
            os.unlink(temp_name)
        raise
    try:  # make the rename itself durable; not possible on every system
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot fsync a folder; the rename stands
            os.fsync(folder)
    finally:
        os.close(folder)


__all__ = ["NotRegularFileError", "atomic_write", "lock_path", "read_regular"]
