"""--listen HOST:PORT, read by one function for the exporter and the demo target."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.cli.common import parse_listen


def test_parse_listen() -> None:
    assert parse_listen("127.0.0.1:8099", "x") == ("127.0.0.1", 8099)
    assert parse_listen("0.0.0.0:0", "x") == ("0.0.0.0", 0)
    assert parse_listen("[::1]:9000", "x") == ("::1", 9000)
    assert parse_listen("localhost:65535", "x") == ("localhost", 65535)
    for bad in ("8099", "localhost", "host:port", ":80", "[]:80", "h:65536", "h:-1", "h:"):
        with pytest.raises(ValueError, match=r"^--listen: expected HOST:PORT such as x, got "):
            parse_listen(bad, "x")


@pytest.mark.parametrize(
    ("command", "example"), [("exporter", "0.0.0.0:9105"), ("demo-target", "127.0.0.1:8099")]
)
def test_both_commands_refuse_a_listen_address_without_host(command: str, example: str) -> None:
    """Both read --listen the same way: an empty host is refused, not taken as every interface."""
    args = [command, "--listen", ":9105"]
    if command == "exporter":
        args.insert(1, "no-such-file.yaml")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert f"slaforge: --listen: expected HOST:PORT such as {example}, got ':9105'" in result.output
    assert "Traceback" not in result.output
