"""Hostile values and a time limit for the fuzz tests: what an attacker or a broken export might put in a file.

`hostile_values` mixes wrong types, SQL-looking and control-character strings, huge notes and deep nesting;
`mutate` replaces one leaf of a parsed document; `time_limit` turns a hang into a test failure.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import strategies as st

SQLISH = ["'; DROP TABLE deductions; --", "1 OR 1=1", "\" OR \"\"=\"", "Robert'); DELETE FROM staff;--",
          "%s%s%s%n", "{0}{1}{__class__}", "${jndi:ldap://x}", "<script>alert(1)</script>", "../../etc/passwd",
          "NULL", "\\x00", "\u202etxt.exe", "😀" * 10, "挂号收费窗口" * 50]

hostile_values = st.one_of(
    st.sampled_from(SQLISH),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.just("x" * 100_000),  # a huge note
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.just([[[[[[[[[[["deep"]]]]]]]]]]]),
)


def leaves(data: Any, path: tuple = ()) -> Iterator[tuple]:
    """Every path to a leaf or a container of a JSON-like document."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaves(value, (*path, index))


def replaced(data: Any, path: tuple, value: Any) -> Any:
    """A copy of `data` with the value at `path` replaced (the root itself when `path` is empty)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: replaced(v, rest, value) if k == head else v for k, v in data.items()}
    return [replaced(v, rest, value) if i == head else v for i, v in enumerate(data)]


def flip_bytes(raw: bytes, edits: list[tuple[int, int]]) -> bytes:
    """Overwrite bytes at (position mod length, value) pairs."""
    data = bytearray(raw)
    for where, value in edits:
        data[where % len(data)] = value
    return bytes(data)


class Hang(Exception):
    """The code under test ran past its time limit."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging CI) when the block runs longer than `seconds` (main thread, POSIX)."""

    def expire(*_: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
