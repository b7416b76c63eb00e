"""SLA text is data: escaping for the template and markup languages that slaforge's outputs feed.

One function per target language, used by every generator that puts user text there:

* :func:`template_literal` -- Go ``text/template`` (alert labels and annotations, which
  Prometheus, vmalert and Thanos expand; vmalert also expands recording-rule labels);
* :func:`markdown_text` -- Markdown (the report); :func:`markdown_code` for a code span (the
  Alertmanager README's receiver names);
* :func:`grafana_markdown` -- Markdown that Grafana also scans for ``$variables`` (text panels,
  panel descriptions).

The HTML report needs none of them: Jinja autoescapes it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A "{" that a template parser could read as the start of "{{": followed by another "{", or
# last (then the next piece of the template could supply the second one).
_OPENING = re.compile(r"\{(?=\{|$)")
_BRACE = '{{ "{" }}'


@lru_cache(maxsize=1 << 14)
def template_literal(text: str) -> str:
    """Go template text that expands to exactly ``text``: ``a {{ b`` -> ``a {{ "{" }}{ b``.

    Every ``{`` that could open an action becomes the action ``{{ "{" }}``, which prints one
    brace. Nothing else is special outside an action (``}}``, ``$``, quotes and backticks are
    plain text there), so the result expands to ``text`` in Go's text/template with any function
    map: Prometheus, vmalert and Alertmanager all read it. It never ends in ``{``, so pieces of
    escaped text and template code can be concatenated safely (as long as the code does not
    itself end in a lone ``{``).
    """
    return _OPENING.sub(lambda _: _BRACE, text)


# Markdown: CommonMark lets a backslash escape any ASCII punctuation. Escaped anywhere: what can
# start inline markup (emphasis, code spans, links, images, raw HTML, autolinks in <>, entities,
# GFM strikethrough and table cells, $math$); at the start, what can start a block (heading,
# list item, setext underline, ordered list "1." or "1)").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&$])")
_BLOCK_START = re.compile(r"^(\d*)([#+\-=]|(?<=\d)[.)])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def markdown_text(text: str) -> str:
    """Inline Markdown that renders as exactly ``text`` (line breaks become spaces), also at
    the start of a line or inside a table cell.

    No HTML, link, image, emphasis or table cell boundary can come out of it: ``<script>``
    renders as the text ``<script>``, ``[x](javascript:...)`` as those characters.
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))
    return _BLOCK_START.sub(r"\1\\\2", text)


def markdown_code(text: str) -> str:
    """A Markdown code span showing exactly ``text`` (line breaks as spaces): nothing inside a
    code span is markup, and the fence is longer than any run of backticks in the text."""
    text = _LINE_BREAKS.sub(" ", text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def grafana_markdown(text: str) -> str:
    """:func:`markdown_text` for Grafana, which replaces ``$name``, ``${name}`` and ``[[name]]``
    in panel text before rendering it: ``$`` is written as the entity ``&#36;`` instead."""
    return markdown_text(text).replace("\\$", "&#36;")
