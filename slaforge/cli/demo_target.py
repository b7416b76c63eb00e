"""`slaforge demo-target [--listen 127.0.0.1:8099]`: a local service to break and repair while watching an SLA."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import click

from slaforge.cli.common import fail, parse_listen
from slaforge.demo.server import DEFAULT_LISTEN, DemoTarget


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command(name="demo-target")
@click.option("--listen", default=DEFAULT_LISTEN, show_default=True, help="HOST:PORT to serve on.")
@click.option(
    "--traffic", type=click.FloatRange(min=0), default=5.0, show_default=True,
    help="Requests per second the target sends itself, so its own metrics have traffic (0: none).",
)
@click.option("--log-requests", is_flag=True, help="Log every request to stderr.")
def command(listen: str, traffic: float, log_requests: bool) -> None:
    """Run a small HTTP service whose failures can be switched on and off, to watch an SLA burn.

    \b
    Break it and repair it with:
      curl -X POST 'http://127.0.0.1:8099/-/fail?mode=error'            # 500 on every request
      curl -X POST 'http://127.0.0.1:8099/-/fail?mode=error&ratio=0.2'  # 500 on one request in five
      curl -X POST 'http://127.0.0.1:8099/-/fail?mode=slow&delay=1'     # answer after 1s
      curl -X POST 'http://127.0.0.1:8099/-/fail?mode=down'             # drop connections
      curl -X POST 'http://127.0.0.1:8099/-/recover'
    """
    try:
        host, port = parse_listen(listen, DEFAULT_LISTEN)
        target = DemoTarget(host, port, traffic=traffic, log_requests=log_requests)
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot listen on {listen}: {exc.strerror or exc}")
    url = target.url
    click.echo(
        f"demo-target: serving on {url}\n"
        f"  health:   {url}/healthz\n"
        f"  metrics:  {url}/metrics\n"
        f"  break:    curl -X POST '{url}/-/fail?mode=error'   (modes: error, slow, down; &ratio=0.5)\n"
        f"  repair:   curl -X POST '{url}/-/recover'",
        err=True,
    )
    signal.signal(signal.SIGTERM, _stop)
    try:
        target.serve_forever()
    except KeyboardInterrupt:
        click.echo("demo-target: stopped", err=True)
        sys.exit(0)
