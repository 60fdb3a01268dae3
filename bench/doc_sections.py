"""Rewrite one marked section of a Markdown file (docs/benchmarks.md), leaving the rest as it is."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, marker: str, heading: str, body: str) -> None:
    """Replace the text between <!-- marker --> and <!-- /marker -->, or append the section."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    section = f"{start}\n## {heading}\n\n{body}\n{end}"
    if start in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
