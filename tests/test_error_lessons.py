"""A pasted traceback that ends in a framework's error message leads, through the real
command, to the lesson that explains that message: the error lessons are reachable from
what a user actually has in hand, not only from symptom ids."""

import json

import pytest
from conftest import run_cli

# The frames above the message are ours; the last lines are the messages as the frameworks
# print them (the examples of the signatures in kb/errors/).
PYTORCH_FRAMES = """Traceback (most recent call last):
  File "/home/me/project/train.py", line 88, in <module>
    main()
  File "/home/me/project/train.py", line 71, in main
    loss = train_step(model, batch)
  File "/home/me/project/train.py", line 42, in train_step
    out = model(x)
  File "/venv/site-packages/torch/nn/modules/module.py", line 1751, in _wrapped_call_impl
    return self._call_impl(*args, **kwargs)
"""

KERAS_FRAMES = """Traceback (most recent call last):
  File "/home/me/project/fit.py", line 30, in <module>
    model.fit(x_train, y_train, epochs=5)
  File "/venv/site-packages/keras/src/utils/traceback_utils.py", line 122, in error_handler
    raise e.with_traceback(filtered_tb) from None
"""

MATMUL = "RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x2048 and 512x10)\n"
NO_GRAD_FN = (
    "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn\n"
)
INPLACE = (
    "RuntimeError: one of the variables needed for gradient computation has been modified"
    " by an inplace operation: [torch.FloatTensor [32, 128]], which is output 0 of"
    " SigmoidBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly"
    " detection to find the operation that failed to compute its gradient, with"
    " torch.autograd.set_detect_anomaly(True).\n"
)

CASES = [
    pytest.param(PYTORCH_FRAMES + MATMUL, "shape-mismatch", id="matmul"),
    pytest.param(
        KERAS_FRAMES + "ValueError: Shapes (None, 1) and (None, 10) are incompatible\n",
        "shape-mismatch",
        id="keras-shapes",
    ),
    pytest.param(
        PYTORCH_FRAMES + "RuntimeError: expected scalar type Long but found Float\n",
        "dtype-mismatch",
        id="long-float",
    ),
    pytest.param(PYTORCH_FRAMES + NO_GRAD_FN, "graph-detached", id="no-grad-fn"),
    pytest.param(
        KERAS_FRAMES + "ValueError: No gradients provided for any variable.\n",
        "graph-detached",
        id="keras-no-grad",
    ),
    pytest.param(PYTORCH_FRAMES + INPLACE, "inplace-autograd", id="inplace"),
    pytest.param(PYTORCH_FRAMES + "KeyError: 'pixel_values'\n", "read-the-traceback", id="unknown"),
]


@pytest.mark.parametrize(("text", "lesson"), CASES)
def test_a_pasted_traceback_leads_to_its_lesson(tmp_path, text, lesson):
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(text, encoding="utf-8")
    done = run_cli("diagnose", str(pasted), "--format", "json")
    assert done.returncode == 0, done.stderr
    top = [d["id"] for d in json.loads(done.stdout)["diagnoses"][:3]]
    assert lesson in top, top


def test_the_guide_for_a_shape_error_gives_the_cause_in_both_languages():
    en = run_cli("diagnose", "-s", "error-shape-mismatch")
    zh = run_cli("diagnose", "-s", "error-shape-mismatch", "--lang", "zh")
    assert en.returncode == 0 and zh.returncode == 0, en.stderr + zh.stderr
    assert "`shape-mismatch`" in en.stdout and "AxB and CxD" in en.stdout
    assert "`shape-mismatch`" in zh.stdout and "形状不匹配" in zh.stdout
