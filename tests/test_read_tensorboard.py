"""TensorBoard event files, read with no TensorFlow, TensorBoard or protobuf in the process.

Where the ``tensorboard`` package is installed (the test extra), its own writer makes event
files in the shapes real writers use, and its own loader is the reference the reader must
agree with.
"""

from __future__ import annotations

import gzip
import math
import subprocess
import sys

import pytest
from conftest import REPO, TESTS, english

from troubleshoot.read import read_inputs
from troubleshoot.read.model import TRAIN_LOSS, VAL_LOSS
from troubleshoot.read.tfrecord import crc32c

GENERATED = TESTS / "fixtures" / "generated"
DIALECTS = TESTS / "fixtures" / "dialects"


def test_crc32c_check_value():
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C catalogue's check value


def test_reads_event_files_with_tensorboard_and_protobuf_unimportable():
    script = (
        "import sys\n"
        "for name in ('tensorboard', 'tensorflow', 'google', 'google.protobuf'):\n"
        "    sys.modules[name] = None  # any import of them now fails\n"
        "from troubleshoot.read import read_inputs\n"
        f"(run,) = read_inputs([{str(GENERATED / 'tb-keras')!r}])\n"
        "print(sorted(run.series), len(run.series['val/loss']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("] ")[1].strip() == "6"
    assert "'val/loss'" in done.stdout and "'train/acc'" in done.stdout


def test_real_event_files_of_the_hugging_face_trainer_and_ultralytics():
    """Written by other people's runs (tests/fixtures/dialects/manifest.json); the counts
    are those TensorBoard's own loader reads from the same files."""
    (run,) = read_inputs([DIALECTS / "tb-hf-trainer"])  # two files: training, then evaluation
    loss = run.series[TRAIN_LOSS]
    assert len(loss) == 430 and len(run.series["lr"]) == 430  # train/learning_rate
    assert loss.steps[-1] == 215000 and loss.values[-1] == pytest.approx(1.7423)
    assert run.series[VAL_LOSS].values[0] == pytest.approx(1.63391, abs=1e-5)  # eval/loss
    assert len(run.series["train/train_loss"]) == 1  # the run's mean stays apart
    assert not run.warnings  # the arguments' text summaries are skipped, not errors
    assert not {"eval/runtime", "train/train_samples_per_second", "train/total_flos"} & set(
        run.series
    )
    (run,) = read_inputs([DIALECTS / "tb-ultralytics"])
    assert len(run.series["train/box_loss"]) == 1375  # every batch, at its epoch's step
    assert len(run.series["metrics/map50(b)"]) == 27 and len(run.series["val/dfl_loss"]) == 25


def test_a_damaged_scalar_record_stops_the_file_with_a_warning(tmp_path):
    (event_file,) = (GENERATED / "tb-pytorch").iterdir()
    data = bytearray(event_file.read_bytes())
    at = data.index(b"Loss/train", len(data) // 2)  # a tag inside a record past the middle
    data[at] ^= 0x20  # the length still checks out, the record's data no longer does
    bad = tmp_path / "run" / event_file.name
    bad.parent.mkdir()
    bad.write_bytes(bytes(data))
    (run,) = read_inputs([bad])
    assert 20 < len(run.series[TRAIN_LOSS]) < 60
    assert any("damaged or cut record" in w for w in english(run.warnings))


def test_event_file_without_scalars_is_refused_with_what_it_holds(tmp_path):
    (event_file,) = (GENERATED / "tb-pytorch").iterdir()
    data = event_file.read_bytes()
    first = data[: 12 + int.from_bytes(data[:8], "little") + 4]  # the file_version record
    only_header = tmp_path / "events.out.tfevents.1.host"
    only_header.write_bytes(first)
    from troubleshoot.read import UnreadableInput

    with pytest.raises(UnreadableInput) as caught:
        read_inputs([only_header])
    assert "without scalar values" in english(caught.value.words)[0]


class TestAgainstTensorBoard:
    """Files written by tensorboard's writer, read by us and by tensorboard's loader."""

    @pytest.fixture(autouse=True)
    def _tensorboard(self):
        pytest.importorskip("tensorboard", reason="the test extra installs tensorboard")

    def _write(self, folder, events) -> None:
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        writer = EventFileWriter(str(folder))
        for event in events:
            writer.add_event(event)
        writer.close()

    def _scalar_event(self, step, tag, tensor, first):
        from tensorboard.compat.proto import event_pb2, summary_pb2

        meta = summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars")
        )
        value = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
        if first:  # TF2 writers send a tag's metadata with its first value only
            value.metadata.CopyFrom(meta)
        return event_pb2.Event(
            step=step, wall_time=1.7e9, summary=summary_pb2.Summary(value=[value])
        )

    def test_metadata_on_the_first_value_only_and_every_scalar_dtype(self, tmp_path):
        import numpy as np
        from tensorboard.compat.proto import tensor_pb2, types_pb2
        from tensorboard.util import tensor_util

        values = [2.5, 1.25, 0.5, 0.25, float("nan")]
        dtypes = [np.float32, np.float64, np.float16, np.int64, np.float32]
        events = []
        for step, (value, dtype) in enumerate(zip(values, dtypes, strict=True)):
            proto = tensor_util.make_tensor_proto(np.array(value, dtype=dtype))
            events.append(self._scalar_event(step, "epoch_loss", proto, first=step == 0))
        # float_val instead of tensor_content, as TF writes small tensors
        packed = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[0.125])
        events.append(self._scalar_event(5, "epoch_loss", packed, first=False))
        self._write(tmp_path / "validation", events)
        (run,) = read_inputs([tmp_path])
        series = run.series[VAL_LOSS]
        assert list(series.steps) == [0, 1, 2, 3, 4, 5] and series.unit == "epoch"
        got = list(series.values)
        assert got[:4] == [2.5, 1.25, 0.5, 0.0]  # int64 0.25 is 0
        assert math.isnan(got[4]) and got[5] == 0.125
        self._agrees_with_tensorboard(next((tmp_path / "validation").iterdir()), got)

    def test_generated_files_agree_with_tensorboards_loader(self):
        for folder in ("tb-pytorch", "tb-pytorch-nan"):
            (event_file,) = (GENERATED / folder).iterdir()
            (run,) = read_inputs([event_file])
            self._agrees_with_tensorboard(
                event_file, list(run.series[TRAIN_LOSS].values), "Loss/train"
            )

    def test_real_files_agree_with_tensorboards_loader(self, tmp_path):
        packed = (
            DIALECTS / "tb-ultralytics" / "events.out.tfevents.1675348815.43529bab29be.37247.0.gz"
        )
        plain = tmp_path / packed.stem
        plain.write_bytes(gzip.decompress(packed.read_bytes()))
        (run,) = read_inputs([plain])
        ours = list(run.series["val/box_loss"].values)
        self._agrees_with_tensorboard(plain, ours, "val/box_loss")

    def _agrees_with_tensorboard(self, path, ours, tag="epoch_loss") -> None:
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
        from tensorboard.util import tensor_util

        theirs = [
            float(tensor_util.make_ndarray(v.tensor).reshape(-1)[0])
            for event in EventFileLoader(str(path)).Load()
            for v in event.summary.value
            if v.tag == tag
        ]
        assert len(theirs) == len(ours)
        for a, b in zip(theirs, ours, strict=True):
            assert (math.isnan(a) and math.isnan(b)) or a == b
