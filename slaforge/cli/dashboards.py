"""`slaforge dashboards PATH... -o DIR [--grafana-url URL]`: Grafana dashboards and their provisioning file."""

from __future__ import annotations

import os
from pathlib import Path

import click

from slaforge.cli.common import fail, load_or_exit
from slaforge.cli.output import replace_tree
from slaforge.grafana import DEFAULT_DASHBOARDS_PATH, build_dashboards, render_dashboards
from slaforge.grafana.upload import TOKEN_ENV, UploadError, upload_dashboards


@click.command(name="dashboards")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "-o", "--output", "output", type=click.Path(file_okay=False, path_type=Path),
    help="Folder for dashboards/*.json and provisioning/dashboards/slaforge.yaml.",
)
@click.option(
    "--dashboards-path", default=DEFAULT_DASHBOARDS_PATH, show_default=True,
    help="Where Grafana will find the JSON files (written into the provisioning file).",
)
@click.option(
    "--grafana-url", metavar="URL",
    help=f"Also upload the dashboards through Grafana's HTTP API; the token is read from ${TOKEN_ENV}.",
)
@click.option("--grafana-folder-uid", metavar="UID", help="Folder to upload into (default: General).")
def command(
    paths: tuple[str, ...],
    output: Path | None,
    dashboards_path: str,
    grafana_url: str | None,
    grafana_folder_uid: str | None,
) -> None:
    """Write one Grafana dashboard per SLA, an overview of all of them, and a provisioning file."""
    if output is None and grafana_url is None:
        fail("give -o DIR to write the dashboards, --grafana-url URL to upload them, or both")
    token = os.environ.get(TOKEN_ENV, "")
    if grafana_url is not None and not token:
        fail(f"--grafana-url needs a Grafana service-account token in ${TOKEN_ENV}")
    slas = load_or_exit(paths)
    if output is not None:
        try:
            files = render_dashboards(slas, dashboards_path=dashboards_path)
        except Exception as exc:  # a bug, not bad input: still one line, and nothing is written
            fail(f"generating failed, nothing was written: {type(exc).__name__}: {exc}")
        replace_tree(output, files)
        click.echo(f"wrote {len(files)} files to {output}", err=True)
    if grafana_url is not None:
        dashboards = [data for _, data in build_dashboards(slas)]
        try:
            done = upload_dashboards(grafana_url, token, dashboards, folder_uid=grafana_folder_uid)
        except UploadError as exc:
            fail(str(exc))
        for item in done:
            click.echo(f"uploaded {item.uid} {item.url}".rstrip(), err=True)
