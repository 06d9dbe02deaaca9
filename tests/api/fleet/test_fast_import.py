"""The fast-import feeder: everything put reaches git's input, in order, handed to the writing thread
in chunks (not once per blob), the rest when it is closed."""

from __future__ import annotations

import os
import threading

import pytest

from storefleet.api.fleet import fast_import
from storefleet.api.fleet.fast_import import _Feeder


def _reader(fd: int, into: bytearray) -> threading.Thread:
    def read() -> None:
        with os.fdopen(fd, "rb") as pipe:
            while chunk := pipe.read(65536):
                into.extend(chunk)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


class _Recording:
    """git's input, recording the size of each write the feeder's thread makes."""

    def __init__(self, fd: int) -> None:
        self.pipe = os.fdopen(fd, "wb")
        self.writes: list[int] = []

    def write(self, data: bytes) -> int:
        self.writes.append(len(data))
        return self.pipe.write(data)

    def close(self) -> None:
        self.pipe.close()


def test_everything_put_arrives_in_order_in_a_few_handoffs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_import, "_CHUNK", 1000)
    read_fd, write_fd = os.pipe()
    received = bytearray()
    reader = _reader(read_fd, received)
    stdin = _Recording(write_fd)
    feeder = _Feeder(stdin)  # type: ignore[arg-type]  # duck-typed: the feeder only writes and closes
    blobs = [f"blob {n:04d} ".encode() * 10 for n in range(100)]  # 100 x 100 bytes
    for blob in blobs:
        feeder.put(blob)
    feeder.put(b"the rest")  # less than a chunk: handed over when the input closes
    feeder.close(5)
    reader.join(5)
    assert bytes(received) == b"".join(blobs) + b"the rest"
    assert stdin.writes == [1000] * 10 + [len(b"the rest")]  # ten chunks, not a write per blob
    assert not feeder.broken


def test_a_reader_that_went_away_marks_the_feeder_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_import, "_CHUNK", 10)
    read_fd, write_fd = os.pipe()
    os.close(read_fd)
    feeder = _Feeder(os.fdopen(write_fd, "wb", buffering=0))
    feeder.put(b"x" * 100)
    feeder.close(5)
    assert feeder.broken
