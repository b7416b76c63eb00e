"""docs/benchmarks.md: each benchmark rewrites only its own section, between its begin and end markers."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nOne section per benchmark; each section is rewritten by its own command.\n"


def write_section(section: str, begin: str, end: str, path: Path = DOCS) -> None:
    """Replace the text from ``begin`` to ``end`` with ``section`` (which carries both markers), or
    append it when the file has no such section yet."""
    text = path.read_text() if path.exists() else HEADER
    section = section.rstrip("\n")
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
