"""The jinja2 environment and helpers shared by every Markdown template."""

from __future__ import annotations

from contextlib import suppress
from functools import cache

import jinja2

from troubleshoot.knowledge.cache import cache_dir
from troubleshoot.knowledge.schema import Step

FRAMEWORK_NAMES = {
    "caffe": "Caffe",
    "pytorch": "PyTorch",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "shell": "Shell",
}
# Caffe snippets mix prototxt, pycaffe and shell, so they get no single highlighting language.
CODE_LANGUAGE = {
    "caffe": "",
    "pytorch": "python",
    "tensorflow": "python",
    "keras": "python",
    "shell": "sh",
}


def _indent(text: str, width: int = 3) -> str:
    """Indent code under a numbered list item so Markdown keeps it inside the item."""
    return "\n".join((" " * width + line) if line else "" for line in str(text).splitlines())


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept on disk: compiling them from source costs a short command
    about as much as importing typer. Unlike jinja2's own, a damaged file or a folder that
    cannot be written means compiling from source, never an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: compile from source
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> _BytecodeCache | None:
    folder = cache_dir()
    if folder is None:
        return None
    folder = folder / f"jinja2-{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BytecodeCache(str(folder))


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("troubleshoot.render", "templates"),
        bytecode_cache=_bytecode_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["indent_md"] = _indent
    return env


def framework_snippets(step: Step, framework: object) -> list[tuple[str, str, str]]:
    """(display name, code language, code) per framework, the user's framework first."""
    items = sorted(step.code.items(), key=lambda kv: (kv[0] != framework, kv[0]))
    return [(FRAMEWORK_NAMES[name], CODE_LANGUAGE[name], code.rstrip()) for name, code in items]
