"""Reading an answers file: the whole file in one read of its own size, and a file that grew after
its size was taken still read to its end, or to one byte past the size limit."""

from __future__ import annotations

import os
from pathlib import Path

from attribution_lab.formats.limits import MAX_SUBMISSION_BYTES
from attribution_lab.storage.files import read_open_file


def _read(path: Path, size: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return read_open_file(fd, size)
    finally:
        os.close(fd)


def test_a_file_is_read_whole_when_its_size_is_right_or_out_of_date(tmp_path: Path) -> None:
    """The bytes come back whole whether the size given is the file's, smaller (it grew) or zero."""
    path = tmp_path / "answers-kursk.json"
    data = b'{"answers": {}}' * 1000
    path.write_bytes(data)
    for size in (len(data), len(data) // 3, 0):
        assert _read(path, size) == data


def test_a_file_that_grew_past_the_limit_is_read_one_byte_past_it(tmp_path: Path) -> None:
    """A file larger than the limit, announced as small, is read to the limit plus one byte, so the
    decoder can say it is too large, and no further."""
    path = tmp_path / "answers-kursk.json"
    path.write_bytes(b" " * (MAX_SUBMISSION_BYTES + 5000))
    assert len(_read(path, 10)) == MAX_SUBMISSION_BYTES + 1
