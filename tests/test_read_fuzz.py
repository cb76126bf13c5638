"""Whatever bytes come in, only UnreadableInput may come out of the readers."""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import TESTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from troubleshoot.read import RunData, UnreadableInput, mlflow, read_inputs, sniff, tensorboard
from troubleshoot.read.inputs import READERS
from troubleshoot.read.source import Source

FIXTURES = sorted(
    p
    for folder in ("reallogs", "generated")
    for p in (TESTS / "fixtures" / folder).rglob("*")
    if p.is_file() and p.suffix != ".py" and p.stat().st_size < 64_000
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn, pool: list[Path] = FIXTURES) -> bytes:
    """A real input from ``pool``, cut, overwritten, extended or compressed at random."""
    data = bytearray(draw(st.sampled_from(pool)).read_bytes())
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


def only_unreadable(action: Callable[[], object]) -> None:
    try:
        action()
    except UnreadableInput as exc:
        assert str(exc)


def with_file(content: bytes, check: Callable[[Path], None]) -> None:
    """``content`` as the one metric file of an MLflow run folder, which every parser takes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "metrics" / "loss"
        path.parent.mkdir()
        path.write_bytes(content)
        check(path)


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(content: bytes) -> None:
    with_file(content, lambda path: only_unreadable(lambda: read_inputs([path])))


@SETTINGS
@given(mutated())
def test_mutated_real_inputs(content: bytes) -> None:
    with_file(content, lambda path: only_unreadable(lambda: read_inputs([path])))


MLFLOW_RUN = "mlflow-run-folder"
PARSERS = [*READERS, sniff.TENSORBOARD, MLFLOW_RUN]


def _sniffed(path: Path) -> str | None:
    try:
        return sniff.sniff(Source(path))
    except UnreadableInput:
        return None


def _own_inputs(kind: str) -> list[Path]:
    """The fixtures in the parser's own format: mutated, they reach past its first checks."""
    if kind == MLFLOW_RUN:
        return [p for p in FIXTURES if "mlruns" in p.parts and "metrics" in p.parts]
    return [p for p in FIXTURES if _sniffed(p) == kind]


OWN_INPUTS = {kind: _own_inputs(kind) for kind in PARSERS}


def parse(kind: str, path: Path) -> list[RunData]:
    """Every run the parser for ``kind`` makes of ``path``, read to the end: the Caffe reader
    is a generator, whose errors surface only as it is iterated. Parsers are looked up when
    called, so a test can swap one for a broken one."""
    if kind == MLFLOW_RUN:
        return list(mlflow.read_run_dir(path.parent.parent))
    source = Source(path)
    if kind == sniff.TENSORBOARD:
        return list(tensorboard.read_tensorboard(str(path), [(source, None)]))
    return list(READERS[kind](source, None))


@pytest.mark.parametrize("kind", PARSERS)
@SETTINGS
@given(data=st.data())
def test_every_parser_on_anything(kind: str, data: st.DataObject) -> None:
    """Each parser copes with damaged input in its own format, and with input that sniffing
    would have sent elsewhere."""
    content = data.draw(st.one_of(mutated(OWN_INPUTS[kind]), mutated()))
    with_file(content, lambda path: only_unreadable(lambda: parse(kind, path)))


def _fail(_: object) -> RunData:
    raise RuntimeError("broken parser")


def broken(*_args: object) -> Iterable[RunData]:
    """A parser that fails only once its runs are consumed, as a streaming reader would."""
    return map(_fail, [None])


@pytest.mark.parametrize("kind", PARSERS)
def test_the_fuzz_test_of_each_parser_can_fail(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fuzz test that never runs its parser to the end passes whatever the parser does."""
    if kind == MLFLOW_RUN:
        monkeypatch.setattr(mlflow, "read_run_dir", broken)
    elif kind == sniff.TENSORBOARD:
        monkeypatch.setattr(tensorboard, "read_tensorboard", broken)
    else:
        monkeypatch.setitem(READERS, kind, broken)
    with pytest.raises(RuntimeError, match="broken parser"):
        test_every_parser_on_anything(kind=kind)
