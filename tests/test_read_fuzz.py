"""Whatever bytes come in, only UnreadableInput may come out of the readers."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from conftest import TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from troubleshoot.read import UnreadableInput, read_inputs
from troubleshoot.read.inputs import READERS
from troubleshoot.read.source import Source
from troubleshoot.read.tensorboard import read_tensorboard

FIXTURES = sorted(
    p
    for folder in ("reallogs", "generated")
    for p in (TESTS / "fixtures" / folder).rglob("*")
    if p.is_file() and p.suffix != ".py" and p.stat().st_size < 64_000
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw) -> bytes:
    """A real input, cut, overwritten, extended or compressed at random."""
    data = bytearray(draw(st.sampled_from(FIXTURES)).read_bytes())
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "overwrite", "insert", "repeat"]))
        noise = draw(st.binary(min_size=1, max_size=64))
        if action == "cut":
            del data[at:]
        elif action == "overwrite":
            data[at : at + len(noise)] = noise
        elif action == "insert":
            data[at:at] = noise
        else:
            data[at:at] = data[max(0, at - 200) : at]
    raw = bytes(data)
    return gzip.compress(raw) if draw(st.booleans()) else raw


def only_unreadable(action) -> None:
    try:
        action()
    except UnreadableInput as exc:
        assert str(exc)


def with_file(content: bytes, check) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(content)
        check(path)


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(content):
    with_file(content, lambda path: only_unreadable(lambda: read_inputs([path])))


@SETTINGS
@given(mutated())
def test_mutated_real_inputs(content):
    with_file(content, lambda path: only_unreadable(lambda: read_inputs([path])))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from([*READERS, "tensorboard"]))
def test_every_parser_on_anything(content, kind):
    """Each reader also copes with input that sniffing would have sent elsewhere."""

    def check(path: Path) -> None:
        def read() -> None:
            source = Source(path)
            if kind == "tensorboard":
                read_tensorboard(str(path), [(source, None)])
            else:
                READERS[kind](source, None)

        only_unreadable(read)

    with_file(content, check)
