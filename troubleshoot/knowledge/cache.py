"""A copy of the loaded knowledge base on disk, so that a command does not parse and validate
every YAML file again (a third of a second, most of a short command's time).

One file per knowledge-base folder, ``$XDG_CACHE_HOME/troubleshoot/kb-<folder hash>.pickle``
(default ``~/.cache/troubleshoot/``). It starts with a key: a hash of every file the loader
reads (names and contents) and of what decides the pickle's shape (this package's version and
schema source, pydantic's and Python's versions). A different key, a damaged file or a folder
that cannot be written means the knowledge base is loaded from YAML as before; the cache is
only ever a shortcut. ``TROUBLESHOOT_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshoot import __version__

if TYPE_CHECKING:
    from troubleshoot.knowledge.load import KnowledgeBase

APP = "troubleshoot"


def cache_dir() -> Path | None:
    """Where caches go, or None when caching is off or there is no home to put them in."""
    if os.environ.get("TROUBLESHOOT_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec: a relative path is to be ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no password entry
            return None
    return Path(base) / APP


def kb_files(root: Path) -> list[Path]:
    """Every file ``load_kb`` reads, in a fixed order."""
    return [
        *sorted((root / "lessons").glob("*.yaml")),
        *sorted((root / "symptoms").glob("*.yaml")),
        *sorted((root / "errors").glob("*.yaml")),
        root / "context.yaml",
        root / "metrics.yaml",
        root / "sources.yaml",
    ]


def fingerprint(root: Path) -> bytes:
    """Changes when any file the loader reads changes, or the code that shapes the pickle."""
    import pydantic

    from troubleshoot.knowledge import schema

    digest = hashlib.sha256()
    for part in (__version__, pydantic.VERSION, sys.version, str(root)):
        digest.update(part.encode() + b"\0")
    digest.update(Path(schema.__file__).read_bytes())
    for path in kb_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\0missing\0")
    return digest.digest()


def _cache_file(folder: Path, root: Path) -> Path:
    name = hashlib.sha256(str(root).encode()).hexdigest()[:20]
    return folder / f"kb-{name}.pickle"


def cached_load(root: Path, load: Callable[[Path], KnowledgeBase]) -> KnowledgeBase:
    """``load(root)``, or the copy on disk when it was made from the same files and code."""
    from troubleshoot.knowledge.load import KnowledgeBase

    folder = cache_dir()
    if folder is None:
        return load(root)
    key = fingerprint(root)
    path = _cache_file(folder, root)
    try:
        with path.open("rb") as stream:
            if pickle.load(stream) == key:
                kb = pickle.load(stream)
                if isinstance(kb, KnowledgeBase):
                    return kb
    except Exception:  # missing, damaged, or written by other code: load again
        pass
    kb = load(root)
    _write(path, key, kb)
    return kb


def _write(path: Path, key: bytes, kb: KnowledgeBase) -> None:
    """Write to a temporary file beside ``path`` and rename it, so that a reader never sees
    half a file; a folder that cannot be written just means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(key, stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(kb, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        with suppress(OSError):
            os.unlink(temporary)
