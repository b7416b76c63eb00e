"""The import coverage corpus (bench/import_coverage): the measured share stays where it was measured,
and every SLO left out is named with a place in its file."""

from __future__ import annotations

from bench.import_coverage.run import measure


def test_corpus_coverage(capsys) -> None:  # type: ignore[no-untyped-def]
    result = measure()
    assert result == {"sloth": (18, 12), "openslo": (9, 6), "pyrra": (9, 7)}
    out = capsys.readouterr().out
    assert out.count("    ") == 11 + 1  # one line per SLO left out (the fixed-range one names both queries)
    assert "summed by" not in out  # every grouping in the corpus has one set of labels: all convert
