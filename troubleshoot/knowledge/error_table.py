"""The table of recognised error messages in docs/inputs.md, written from ``kb/errors/`` so
that the page can never list a message the readers do not know, or miss one they do.

``python -m troubleshoot.knowledge.error_table --write docs/inputs.md`` rewrites the table
between its two markers; with no arguments it is printed. ``tests/test_errors.py`` fails
when the page and the catalogue differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from troubleshoot.knowledge.load import KnowledgeBase, load_kb
from troubleshoot.knowledge.schema import ErrorSignature

TABLE_START = "<!-- error table: generated from kb/errors/, do not edit -->"
TABLE_END = "<!-- end of error table -->"


def _code(text: str) -> str:
    """``text`` as a Markdown code span that survives backticks and table pipes."""
    text = text.strip().replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _maps_to(signature: ErrorSignature) -> str:
    facts = [f"`{s}`" for s in signature.symptoms]
    facts += [f"{key} = `{value}`" for key, value in signature.context.items()]
    return ", ".join(facts)


def _source(signature: ErrorSignature) -> str:
    source = signature.source
    if source.repo and source.path:
        where = f"{source.repo} `{source.path}`" + (f":{source.line}" if source.line else "")
        return f"[{where}]({source.cite()})"
    return f"[{source.url}]({source.url})"


def table(kb: KnowledgeBase) -> str:
    """One row per signature, grouped by catalogue file, in the order lines are tried."""
    rows = [
        TABLE_START,
        "| file | signature | example | maps to | source |",
        "| --- | --- | --- | --- | --- |",
    ]
    for sid, signature in kb.errors.items():
        example = signature.examples[0]
        shown = example if len(example) <= 120 else example[:117] + "..."
        rows.append(
            f"| {kb.error_files[sid].stem} | `{sid}` | {_code(shown)} "
            f"| {_maps_to(signature)} | {_source(signature)} |"
        )
    return "\n".join([*rows, TABLE_END])


def write_table(path: Path, kb: KnowledgeBase) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START), text.index(TABLE_END) + len(TABLE_END)
    path.write_text(text[:start] + table(kb) + text[end:], encoding="utf-8")


def main(argv: list[str]) -> None:
    """``--write FILE`` updates FILE's table; with no arguments the table is printed."""
    kb = load_kb()
    if argv[:1] == ["--write"] and len(argv) == 2:
        write_table(Path(argv[1]), kb)
    elif not argv:
        print(table(kb))
    else:
        sys.exit("usage: python -m troubleshoot.knowledge.error_table [--write docs/inputs.md]")


if __name__ == "__main__":
    main(sys.argv[1:])
