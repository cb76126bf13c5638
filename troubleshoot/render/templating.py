"""The jinja2 environment and helpers shared by every Markdown template."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from functools import cache

import jinja2

from troubleshoot.knowledge.cache import cache_dir
from troubleshoot.knowledge.schema import FRAMEWORKS, CodeLang, Step

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
        # The Markdown templates' text is Markdown; the site's HTML layout escapes its values.
        autoescape=jinja2.select_autoescape(["html.j2"], default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["indent_md"] = _indent
    return env


@dataclass(frozen=True)
class Snippet:
    """One framework's code for a step; ``wrong`` is the code before the fix, where the
    lesson gives a wrong/right pair."""

    name: str
    language: str
    code: str
    wrong: str | None


# Keras is TensorFlow's high-level API (tf.keras), so a step with code for one but not the
# other shows that code to users of either.
STAND_IN = {"keras": "tensorflow", "tensorflow": "keras"}


def fitted_keys(step: Step, framework: object) -> list[CodeLang]:
    """The snippets a reader of ``framework`` needs: that framework's (or, where it has
    none, its stand-in's) and the shell's; every one, the shell's first, when the framework
    is not known."""
    if framework not in FRAMEWORKS:
        keys = list(step.code)
    else:
        mine = framework if framework in step.code else STAND_IN.get(str(framework))
        keys = [k for k in step.code if k in (mine, "shell")]
    return sorted(keys, key=lambda k: (k != "shell", k))


def framework_snippets(step: Step, framework: object) -> list[Snippet]:
    """The fitted snippets (:func:`fitted_keys`) as the pages show them."""
    return [
        Snippet(
            FRAMEWORK_NAMES[k],
            CODE_LANGUAGE[k],
            step.code[k].rstrip(),
            step.wrong[k].rstrip() if k in step.wrong else None,
        )
        for k in fitted_keys(step, framework)
    ]
