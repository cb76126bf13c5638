"""experta 1.9.4 must import on this Python, through our one compat module only."""

import re
import subprocess
import sys
from pathlib import Path

import troubleshoot


def test_engine_imports_in_a_fresh_interpreter_with_warnings_as_errors():
    code = "import troubleshoot.engine._experta as e; assert e.KnowledgeEngine"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_plain_experta_import_needs_the_shim_on_this_python():
    """Documents why the shim exists: without it, experta's frozendict 1.2 breaks (3.10+)."""
    code = "import experta, frozendict; print(getattr(frozendict, '__version__', '1.2'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode == 0:  # uv's override installs frozendict >= 2.3, which needs no shim
        assert not done.stdout.startswith("1.2")
    else:
        assert "collections" in done.stderr and "Mapping" in done.stderr


def test_experta_is_imported_in_exactly_one_module():
    package = Path(troubleshoot.__file__).parent
    importers = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(from|import) experta\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert importers == ["engine/_experta.py"]
