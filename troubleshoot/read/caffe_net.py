"""Context facts from the solver and net definitions Caffe prints when it starts.

Caffe logs its solver parameters ("Initializing solver from parameters:") and each net
("Initializing net from parameters:") in protobuf text format. Only a handful of fields
matter here, read line by line while tracking which block they sit in: the solver type,
momentum and base_lr, each layer's type, InnerProduct num_output, and data-layer
batch_size. Both the current layer syntax (``layer { type: "Convolution" }``) and the old
V1 one (``layers { type: CONVOLUTION }``) are understood.
"""

from __future__ import annotations

from troubleshoot.read.runs import RunBuilder

# Layer types, lower-cased without underscores, so new ("SoftmaxWithLoss") and V1
# ("SOFTMAX_LOSS") spellings meet.
LOSSES = {
    "softmaxwithloss": "softmax-cross-entropy",
    "softmaxloss": "softmax-cross-entropy",
    "multinomiallogisticloss": "softmax-cross-entropy",
    "euclideanloss": "mse",
    "infogainloss": "infogain",
    "ctcloss": "ctc",
    "warpctcloss": "ctc",
    "contrastiveloss": "contrastive",
    "tripletloss": "triplet",
    "sigmoidcrossentropyloss": "other",
    "hingeloss": "other",
}
CLASSIFYING = {"softmax-cross-entropy", "infogain"}  # losses whose last num_output is classes
TASKS = {"softmax-cross-entropy": "classification", "mse": "regression", "ctc": "sequence"}
SOLVERS = {"adam": "adam", "rmsprop": "other", "adagrad": "other", "adadelta": "other"}
INNER_PRODUCT = "innerproduct"
CONVOLUTIONS = {"convolution", "deconvolution"}
RECURRENT = {"lstm", "rnn"}
BATCHNORM = {"batchnorm", "bn"}
DROPOUT = "dropout"


class CaffeNet:
    """Follows the printed definitions of one run and writes what they reveal into context."""

    def __init__(self, runs: RunBuilder) -> None:
        self.runs = runs
        self.solver: dict[str, str] = {}
        self.types: set[str] = set()
        self.loss: str | None = None
        self.last_inner_product: int | None = None
        self.last_inner_product_at: tuple[int, str] = (0, "")  # its num_output's line, its name
        self.batch_size_seen = False
        self._stack: list[str] = []
        self._layer: dict[str, str] = {}
        self._in_solver = False

    def start_solver(self) -> None:
        """'Initializing solver from parameters:' — top-level fields are solver fields."""
        self._stack.clear()
        self._in_solver = True

    def start_net(self) -> None:
        """'Initializing net from parameters:' — top-level fields belong to a net."""
        self._stack.clear()
        self._in_solver = False

    def open_block(self, name: str) -> None:
        self._stack.append(name)
        if name in ("layer", "layers"):
            self._layer = {}

    def close_block(self) -> None:
        if not self._stack:
            return
        if self._stack.pop() in ("layer", "layers"):
            self._close_layer()

    def field(self, key: str, value: str, line: int = 0) -> None:
        """One ``key: value`` of a printed definition, on ``line`` (0: not counted)."""
        value = value.strip('"')
        block = self._stack[-1] if self._stack else None
        if block is None:
            if self._in_solver and key in ("base_lr", "momentum", "type", "solver_type"):
                self.solver[key] = value
                self._solver_context()
        elif block in ("layer", "layers") and key == "type":
            self._layer["type"] = value.replace("_", "").lower()
        elif block in ("layer", "layers") and key == "name":
            self._layer["name"] = value
        elif block == "inner_product_param" and key == "num_output":
            self._layer["num_output"] = value
            self._layer["num_output_line"] = str(line)
        elif block.endswith("data_param") and key == "batch_size":
            self._layer["batch_size"] = value
        elif block == "include" and key == "phase":
            self._layer["phase"] = value

    def _close_layer(self) -> None:
        kind = self._layer.get("type")
        if kind is None:
            return
        context = self.runs.run.context
        self.types.add(kind)
        if kind == INNER_PRODUCT and self._layer.get("num_output", "").isdigit():
            self.last_inner_product = int(self._layer["num_output"])
            self.last_inner_product_at = (
                int(self._layer.get("num_output_line", 0)),
                self._layer.get("name", ""),
            )
        if kind in LOSSES:
            self.loss = self.loss or LOSSES[kind]
            context["loss"] = self.loss
            if self.loss in TASKS:
                context["task"] = TASKS[self.loss]
            if self.loss in CLASSIFYING and self.last_inner_product:
                context["num_classes"] = self.last_inner_product
                self.runs.run.context_at["num_classes"] = self.last_inner_product_at
        batch = self._layer.get("batch_size", "")
        if batch.isdigit() and self._layer.get("phase") != "TEST" and not self.batch_size_seen:
            self.batch_size_seen = True
            context["batch_size"] = int(batch)
        context["uses_batchnorm"] = bool(self.types & BATCHNORM)
        context["uses_dropout"] = DROPOUT in self.types
        if self.types & CONVOLUTIONS:
            context["architecture"] = "cnn"
        elif self.types & RECURRENT:
            context["architecture"] = "rnn"
        elif INNER_PRODUCT in self.types:
            context["architecture"] = "mlp"

    def _solver_context(self) -> None:
        context = self.runs.run.context
        kind = (self.solver.get("type") or self.solver.get("solver_type") or "sgd").lower()
        if kind in ("sgd", "nesterov"):
            momentum = _number(self.solver.get("momentum", "0")) or 0.0
            context["optimizer"] = "sgd-momentum" if kind == "nesterov" or momentum > 0 else "sgd"
        else:
            context["optimizer"] = SOLVERS.get(kind, "other")
        lr = _number(self.solver.get("base_lr", ""))
        if lr is not None:
            context["learning_rate"] = lr


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
