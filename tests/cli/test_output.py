"""Writing outputs safely: `generate -o DIR` swaps a whole tree in, single files are replaced atomically.

A failure at any point leaves the old tree (or file) exactly as it was, with one line on stderr and
no traceback; regenerating removes what slaforge wrote before and no longer writes (the dashboard of
an SLA that is gone), never a file slaforge did not write.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import slaforge.alertmanager
import slaforge.cli.output as output
from slaforge.cli import cli
from tests.conftest import EXAMPLES


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: files by content, links by target, folders as such."""
    out: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = path.read_bytes()
    return out


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if ": warning: " not in line]  # an importer's warnings
    assert len(lines) == 1 and lines[0].startswith("slaforge: "), result.stderr
    return lines[0]


@pytest.fixture
def slas(tmp_path: Path) -> Path:
    folder = tmp_path / "slas"
    shutil.copytree(EXAMPLES, folder)
    return folder


@pytest.fixture
def out(tmp_path: Path, slas: Path) -> Path:
    """A generated tree with the user's own things in it: a file at the top, one among the dashboards,
    an empty folder and a link."""
    out = tmp_path / "out"
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    (out / "README.local").write_text("mine\n")
    (out / "grafana" / "dashboards" / "my-own.json").write_text('{"uid": "mine"}\n')
    (out / "scratch").mkdir()
    (out / "latest").symlink_to("rules/slaforge.rules.yaml")
    return out


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".slaforge-" in p.name)


def test_regenerating_after_an_sla_is_removed_removes_its_dashboard(slas: Path, out: Path) -> None:
    dashboards = out / "grafana" / "dashboards"
    before = sorted(p.name for p in dashboards.iterdir())
    assert "sla-directory.json" in before
    (slas / "internal-directory.yaml").unlink()
    result = run("generate", str(slas), "-o", str(out))
    assert result.exit_code == 0, result.output
    after = sorted(p.name for p in dashboards.iterdir())
    assert after == [name for name in before if name != "sla-directory.json"]
    assert "my-own.json" in after  # the user's dashboard survives
    assert (out / "README.local").read_text() == "mine\n"
    assert (out / "scratch").is_dir() and os.readlink(out / "latest") == "rules/slaforge.rules.yaml"
    assert "directory" not in (out / "rules" / "slaforge.rules.yaml").read_text()
    manifest = (out / ".slaforge-manifest").read_text().splitlines()
    assert "grafana/dashboards/sla-directory.json" not in manifest
    assert "grafana/dashboards/my-own.json" not in manifest and "README.local" not in manifest
    assert "rules/slaforge.rules.yaml" in manifest
    assert leftovers(out.parent) == []


def test_a_failure_while_writing_leaves_the_old_tree_intact(slas: Path, out: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(out)
    (slas / "internal-directory.yaml").unlink()  # the run would change and remove things
    written: list[Path] = []
    real = Path.write_bytes

    def failing(self: Path, data: Any) -> int:
        written.append(self)
        if len(written) == 3:  # half-way: rules written, grafana started, alertmanager not yet
            raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    line = one_line_error(run("generate", str(slas), "-o", str(out)))
    assert "No space left on device" in line and str(out) in line
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_a_renderer_raising_leaves_the_old_tree_intact(slas: Path, out: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(out)

    def broken(slas: Any) -> Any:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(slaforge.alertmanager, "render_alertmanager", broken)
    line = one_line_error(run("generate", str(slas), "-o", str(out)))
    assert line == "slaforge: generating failed, nothing was written: RuntimeError: renderer bug"
    assert snapshot(out) == before


def test_a_failing_swap_leaves_the_old_tree_intact(slas: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(out)

    def no_exchange(a: Path, b: Path) -> bool:
        raise OSError(5, "Input/output error", str(b))

    monkeypatch.setattr(output, "_exchange", no_exchange)
    line = one_line_error(run("generate", str(slas), "-o", str(out)))
    assert "cannot put the new" in line and "Input/output error" in line
    assert snapshot(out) == before
    assert leftovers(out.parent) == []


def test_the_swap_without_an_atomic_exchange(slas: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)  # a file system without RENAME_EXCHANGE
    (slas / "internal-directory.yaml").unlink()
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    assert not (out / "grafana" / "dashboards" / "sla-directory.json").exists()
    assert (out / "grafana" / "dashboards" / "my-own.json").exists()
    assert leftovers(out.parent) == []


def test_a_mount_point_is_updated_file_by_file(slas: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output.os.path, "ismount", lambda path: Path(path) == out)
    (slas / "internal-directory.yaml").unlink()
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    assert not (out / "grafana" / "dashboards" / "sla-directory.json").exists()
    assert (out / "grafana" / "dashboards" / "my-own.json").exists()
    assert (out / "README.local").exists()


def test_a_file_created_while_the_tree_is_built_survives(slas: Path, out: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process (a Prometheus keeping its data in DIR, say) creates a file in the old tree after
    it was copied and before the swap: it is moved into the new tree, not removed with the old one."""
    real = output._swap

    def swap_later(staging: Path, root: Path) -> None:
        (root / "scratch" / "late.log").write_text("written meanwhile\n")
        real(staging, root)

    monkeypatch.setattr(output, "_swap", swap_later)
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    assert (out / "scratch" / "late.log").read_text() == "written meanwhile\n"
    assert leftovers(out.parent) == []


def test_stale_files_are_not_brought_back(slas: Path, out: Path) -> None:
    (slas / "internal-directory.yaml").unlink()
    (slas / "payments-api.yaml").unlink()
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    names = sorted(p.name for p in (out / "grafana" / "dashboards").iterdir())
    assert "sla-directory.json" not in names and "sla-payments-api.json" not in names


def test_the_atomic_exchange_is_used_here(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("")
    assert output._exchange(a, b)  # Linux renameat2(RENAME_EXCHANGE): no instant without the folder
    assert (b / "x").exists() and not (a / "x").exists()


def test_folder_modes_are_kept(slas: Path, out: Path) -> None:
    (out / "rules").chmod(0o750)
    (out / "scratch").chmod(0o700)
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    assert (out / "rules").stat().st_mode & 0o777 == 0o750
    assert (out / "scratch").stat().st_mode & 0o777 == 0o700


def test_a_link_on_the_way_is_refused(tmp_path: Path, slas: Path, out: Path) -> None:
    elsewhere = tmp_path / "grafana-elsewhere"
    shutil.move(out / "grafana", elsewhere)
    (out / "grafana").symlink_to(elsewhere)
    before, outside = snapshot(out), snapshot(elsewhere)
    line = one_line_error(run("generate", str(slas), "-o", str(out)))
    assert f"{out / 'grafana'} is a symbolic link" in line
    assert snapshot(out) == before and snapshot(elsewhere) == outside


def test_a_parent_that_cannot_be_written_falls_back_to_file_by_file(slas: Path, out: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(**kwargs: Any) -> str:
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))

    monkeypatch.setattr(output.tempfile, "mkdtemp", refused)
    (slas / "internal-directory.yaml").unlink()
    result = run("generate", str(slas), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"slaforge: warning: cannot write next to {out} (Permission denied): updating it file by file" in (
        result.stderr)
    assert not (out / "grafana" / "dashboards" / "sla-directory.json").exists()
    assert (out / "grafana" / "dashboards" / "my-own.json").exists()


def test_the_manifest_cannot_point_outside_the_tree(tmp_path: Path, slas: Path, out: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    with (out / ".slaforge-manifest").open("a") as manifest:
        manifest.write(f"../victim.txt\n{victim}\n/etc/passwd\n")
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    assert victim.read_text() == "keep me\n"
    assert (out / "README.local").exists()


def test_the_same_output_twice_is_byte_identical(slas: Path, out: Path) -> None:
    before = snapshot(out)
    assert run("generate", str(slas), "-o", str(out)).exit_code == 0
    assert snapshot(out) == before


def test_dashboards_o_swaps_its_tree_too(tmp_path: Path, slas: Path) -> None:
    target = tmp_path / "dash"
    assert run("dashboards", str(slas), "-o", str(target)).exit_code == 0
    (target / "dashboards" / "mine.json").write_text("{}\n")
    (slas / "internal-directory.yaml").unlink()
    assert run("dashboards", str(slas), "-o", str(target)).exit_code == 0
    names = sorted(p.name for p in (target / "dashboards").iterdir())
    assert "sla-directory.json" not in names and "mine.json" in names


# --- single files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["rules", "{slas}", "-o", "{file}"],
        ["rules", "{slas}", "--tests", "-o", "{file}"],
        ["schema", "-o", "{file}"],
        ["import", "sloth", "{sloth}", "-o", "{file}"],
    ],
)
def test_single_files_are_replaced_atomically(command: list[str], tmp_path: Path, slas: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sloth = tmp_path / "sloth.yaml"
    sloth.write_text(SLOTH)
    target = tmp_path / "target.yaml"
    target.write_text("old\n")
    args = [a.format(slas=slas, file=target, sloth=sloth) for a in command]

    def failing_replace(src: Any, dst: Any) -> None:
        raise OSError(13, "Permission denied", str(dst))

    monkeypatch.setattr(output.os, "replace", failing_replace)
    line = one_line_error(run(*args))
    assert line == f"slaforge: cannot write {target}: Permission denied"
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    monkeypatch.undo()
    assert run(*args).exit_code == 0
    assert target.read_text() != "old\n"


SLOTH = """version: prometheus/v1
service: shop
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{job="shop",code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total{job="shop"}[{{.window}}]))
    alerting:
      name: ShopAvailability
"""
