"""`slaforge exporter PATH...`: run the exporter."""

from __future__ import annotations

import click

from slaforge.cli.common import fail, load_or_exit, parse_listen

DEFAULT_LISTEN = "0.0.0.0:9105"


@click.command(name="exporter")
@click.argument("paths", nargs=-1, required=True)
@click.option("--listen", default=DEFAULT_LISTEN, show_default=True, help="HOST:PORT to serve /metrics on.")
@click.option("--shard", default="0/1", show_default=True,
              help="I/N: run only the probes whose stable hash falls in share I of N (I from 0).")
@click.option("--log-format", type=click.Choice(["logfmt", "json"]), default="logfmt", show_default=True)
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="info",
              show_default=True)
@click.option("--max-body-bytes", type=click.IntRange(min=1024), default=1 << 20, show_default=True,
              help="Read at most this much of a response body (body_regex sees this much).")
@click.option("--watch-interval", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds between checks of the SLA files for changes; 0 turns watching off (SIGHUP still works).")
@click.option("--schedule-grid", type=click.FloatRange(min=0, max=1), default=0.05, show_default=True,
              help="Seconds: probe start times are rounded to this grid so that nearby probes share a wake-up "
              "(less CPU); 0 spreads them continuously.")
@click.option("--write-timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Seconds to send a whole response (/metrics included); a client that has not read it by then "
              "is disconnected.")
def command(
    paths: tuple[str, ...], listen: str, shard: str, log_format: str, log_level: str, max_body_bytes: int,
    watch_interval: float, schedule_grid: float, write_timeout: float,
) -> None:
    """Probe every endpoint declared in the SLA files and serve the metrics on /metrics.

    Also serves a status page at /, /-/healthy and /-/ready. Reloads on SIGHUP and when the files
    change (a bad new configuration is rejected and the running one kept); stops on SIGTERM.
    """
    from slaforge.exporter.app import Exporter, StartError, run
    from slaforge.exporter.log import Logger
    from slaforge.exporter.reload import LOAD_CHECKS
    from slaforge.exporter.targets import parse_shard

    try:
        host, port = parse_listen(listen, DEFAULT_LISTEN)
        shard_pair = parse_shard(shard)
    except ValueError as exc:
        fail(str(exc))
    slas = load_or_exit(paths, LOAD_CHECKS)
    exporter = Exporter(
        paths, host, port, shard=shard_pair, max_body_bytes=max_body_bytes, watch_interval=watch_interval,
        schedule_grid=schedule_grid, write_timeout=write_timeout, logger=Logger(log_format, log_level),
    )
    try:
        run(exporter, slas)
    except StartError as exc:
        fail(str(exc))
