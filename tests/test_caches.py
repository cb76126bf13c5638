"""The on-disk caches (loaded knowledge base, compiled templates) are only ever a shortcut:
a hit equals a fresh load, any change to the files is seen, and a damaged file or a folder
that cannot be written falls back to loading from source."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli

from troubleshoot.knowledge import cache
from troubleshoot.knowledge.load import KnowledgeBase, load_kb


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own, with caching on."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("TROUBLESHOOT_NO_CACHE", raising=False)
    return home


class Loads:
    """``load_kb`` that counts its calls: a cache hit does not call it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, root: Path) -> KnowledgeBase:
        self.calls += 1
        return load_kb(root)


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "troubleshoot").glob("kb-*.pickle"))


def test_a_hit_gives_a_knowledge_base_equal_to_a_fresh_load(cache_home, kb_copy):
    root = kb_copy.resolve()
    loads = Loads()
    first = cache.cached_load(root, loads)
    assert len(cache_files(cache_home)) == 1
    second = cache.cached_load(root, loads)
    assert loads.calls == 1  # the second came from disk
    assert second is not first
    assert second == first == load_kb(root)
    lesson = next(iter(second.lessons.values()))
    assert lesson.rules == first.lessons[lesson.id].rules


def test_an_edited_kb_file_is_seen_even_with_the_same_size_and_time(cache_home, kb_copy):
    root = kb_copy.resolve()
    loads = Loads()
    before = cache.cached_load(root, loads)
    path = sorted((root / "lessons").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    title = before.lessons[path.stem].title.en
    changed = title[:-1] + ("X" if title[-1] != "X" else "Y")  # same length
    stat = path.stat()
    path.write_text(text.replace(title, changed, 1), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    after = cache.cached_load(root, loads)
    assert loads.calls == 2
    assert after.lessons[path.stem].title.en == changed
    assert cache.cached_load(root, loads) == after and loads.calls == 2


def test_a_new_or_removed_kb_file_is_seen(cache_home, kb_copy):
    root = kb_copy.resolve()
    loads = Loads()
    before = cache.cached_load(root, loads)
    path = sorted((root / "symptoms").glob("*.yaml"))[0]
    path.unlink()
    assert path.stem not in cache.cached_load(root, loads).symptoms
    assert path.stem in before.symptoms and loads.calls == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not a pickle at all",
        lambda data: data[: len(data) // 2],  # the right key, then a cut-off knowledge base
        lambda data: b"",
    ],
    ids=["garbage", "truncated", "empty"],
)
def test_a_damaged_cache_file_is_ignored_and_replaced(cache_home, kb_copy, damage):
    root = kb_copy.resolve()
    loads = Loads()
    fresh = cache.cached_load(root, loads)
    (path,) = cache_files(cache_home)
    path.write_bytes(damage(path.read_bytes()))
    assert cache.cached_load(root, loads) == fresh and loads.calls == 2
    assert cache.cached_load(root, loads) == fresh and loads.calls == 2  # rewritten whole


def test_a_cache_folder_that_cannot_be_made_still_loads(tmp_path, monkeypatch, kb_copy):
    # A file where the folder should be: mkdir fails for every user, root included.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("TROUBLESHOOT_NO_CACHE", raising=False)
    loads = Loads()
    root = kb_copy.resolve()
    assert cache.cached_load(root, loads) == load_kb(root)
    assert cache.cached_load(root, loads) == load_kb(root) and loads.calls == 2


def test_no_cache_env_turns_it_off(cache_home, monkeypatch, kb_copy):
    monkeypatch.setenv("TROUBLESHOOT_NO_CACHE", "1")
    loads = Loads()
    cache.cached_load(kb_copy.resolve(), loads)
    cache.cached_load(kb_copy.resolve(), loads)
    assert loads.calls == 2 and not (cache_home / "troubleshoot").exists()


def test_the_command_works_with_an_unwritable_cache_and_says_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    expected = run_cli("diagnose", "-s", "loss-nan")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    done = run_cli("diagnose", "-s", "loss-nan")
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected.stdout and done.stderr == ""


def test_the_command_fills_the_cache_and_a_warm_run_prints_the_same(tmp_path, monkeypatch):
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("TROUBLESHOOT_NO_CACHE", raising=False)
    cold = run_cli("diagnose", "-s", "loss-nan", "-f", "json")
    assert cold.returncode == 0, cold.stderr
    assert cache_files(home) and list((home / "troubleshoot").glob("jinja2-*/*"))
    warm = run_cli("diagnose", "-s", "loss-nan", "-f", "json")
    assert warm.returncode == 0 and warm.stdout == cold.stdout


def test_damaged_compiled_templates_are_compiled_again(tmp_path, monkeypatch):
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("TROUBLESHOOT_NO_CACHE", raising=False)
    fresh = run_cli("diagnose", "-s", "loss-nan")
    compiled = list((home / "troubleshoot").glob("jinja2-*/*"))
    assert compiled
    for path in compiled:
        path.write_bytes(path.read_bytes()[:40] + b"\x80garbage")
    again = run_cli("diagnose", "-s", "loss-nan")
    assert again.returncode == 0, again.stderr
    assert again.stdout == fresh.stdout


def test_templates_render_when_the_compiled_templates_folder_is_gone(tmp_path):
    import jinja2

    from troubleshoot.render.templating import _BytecodeCache

    cache_ = _BytecodeCache(str(tmp_path / "removed-while-running"))
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "{{ 1 + 1 }}"}), bytecode_cache=cache_)
    assert env.get_template("t").render() == "2"
