"""The package's imports follow the data (docs/architecture.md): read -> detect -> engine ->
consult -> render -> front ends, over the shared facts, knowledge and lang modules. A
module imports only from its own layer, the layers before it, and the shared pieces; the
front ends import only the core and render (and the kb linter, a maintenance tool)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "troubleshoot"
LAYERS = ["read", "detect", "engine", "consult", "render", "frontends"]
SHARED = {"facts", "knowledge", "lang"}  # under every layer; they import only each other
ENTRY = {"__main__", "__init__"}
FRONT_END_MAY_IMPORT = {"consult", "render", "frontends", *SHARED}
FRONT_END_EXCEPTIONS = {"troubleshoot.engine.lint"}  # `troubleshoot kb lint`


def _imports(path: Path) -> list[str]:
    """Every troubleshoot module a file imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name.split(".")[0] == "troubleshoot"]


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def violations() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        own = relative.parts[0].removesuffix(".py")
        for module in _imports(path):
            target = _layer(module)
            if own in ENTRY or target == own or module == "troubleshoot":
                continue
            if own in SHARED:
                if target not in SHARED:
                    problems.append(f"{relative} imports {module}: shared pieces stand alone")
            elif own == "frontends":
                if target not in FRONT_END_MAY_IMPORT and module not in FRONT_END_EXCEPTIONS:
                    problems.append(f"{relative} imports {module}: front ends use the core")
            elif target in LAYERS and LAYERS.index(target) > LAYERS.index(own):
                problems.append(f"{relative} imports {module}, a later layer")
    return problems


def test_imports_follow_the_layers():
    assert violations() == []


def test_the_check_sees_a_violation(tmp_path, monkeypatch):
    """The rule can fail: a detector importing the renderer is caught."""
    package = tmp_path / "troubleshoot"
    (package / "detect").mkdir(parents=True)
    (package / "frontends").mkdir()
    (package / "detect" / "x.py").write_text("from troubleshoot.render.guide import g\n")
    (package / "frontends" / "y.py").write_text("def f():\n    import troubleshoot.read.caffe\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", package)
    assert violations() == [
        "detect/x.py imports troubleshoot.render.guide, a later layer",
        "frontends/y.py imports troubleshoot.read.caffe: front ends use the core",
    ]
