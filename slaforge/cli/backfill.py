"""`slaforge backfill PATH... --prometheus URL --start T --end T -o DIR`: the recorded 5m pieces for
time before the rules ran, as TSDB blocks to move into Prometheus' data directory."""

from __future__ import annotations

from pathlib import Path

import click

from slaforge.cli.common import fail, load_or_exit, write_atomically


@click.command(name="backfill")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--prometheus", "url", required=True, envvar="SLAFORGE_PROMETHEUS_URL", metavar="URL",
              help="Prometheus that holds the SLIs' own series over the range (env SLAFORGE_PROMETHEUS_URL).")
@click.option("--start", "start_text", required=True, metavar="TIME",
              help="ISO 8601 with offset, e.g. 2026-09-01T00:00:00Z.")
@click.option("--end", "end_text", required=True, metavar="TIME",
              help="ISO 8601 with offset; before the slaforge rules were loaded in that Prometheus.")
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the rule file and the blocks (DIR/blocks).")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for the overlap check.")
def command(paths: tuple[str, ...], url: str, start_text: str, end_text: str, out: Path, timeout: float) -> None:
    """Write the 5m event pieces of the SLAs' objectives for [START, END] as TSDB blocks, computed by
    promtool from the SLIs' own series with the meaning of the recording rules."""
    from slaforge.report import PeriodError, PrometheusClient, PrometheusError
    from slaforge.report.backfill import RULE_FILE, BackfillError, backfill_rules, recorded_already, run_promtool
    from slaforge.report.periods import iso, parse_instant
    from slaforge.rules.render import dump

    slas = load_or_exit(paths)
    try:
        start, end = parse_instant(start_text), parse_instant(end_text)
        if end <= start:
            fail(f"--end {iso(end)} is not after --start {iso(start)}")
        client = PrometheusClient(url, timeout=timeout)
        overlap = recorded_already(client, slas, start, end)
        if overlap:
            fail(f"{', '.join(overlap)} already {'has' if len(overlap) == 1 else 'have'} recorded 5m pieces between "
                 f"{iso(start)} and {iso(end)}: backfilling would count those events twice; end the backfill "
                 "before the slaforge rules were loaded (the report reads the SLI's own series for such time "
                 "anyway)")
        out.mkdir(parents=True, exist_ok=True)
        write_atomically(out / RULE_FILE, dump(backfill_rules(slas, start, end)))
        blocks = run_promtool(out, url, client.shown_url, start, end)
    except (PeriodError, PrometheusError, BackfillError) as exc:
        fail(str(exc))
    count = sum(1 for p in blocks.iterdir() if p.is_dir())
    click.echo(f"wrote {count} block{'s' if count != 1 else ''} to {blocks}: move them into Prometheus' data "
               "directory (--storage.tsdb.path); it loads them within a few minutes, or at its next start")
