"""--shard I/N: replicas split the probes between them, by a stable hash."""

from __future__ import annotations

from pathlib import Path

from slaforge.conventions import PROBES_TOTAL
from slaforge.exporter.targets import shard_of
from tests.exporter.support import ExporterProcess, FaultServer, sla_yaml


def test_two_shards_split_the_probes(tmp_path: Path) -> None:
    with FaultServer() as target:
        names = [f"p{i}" for i in range(24)]
        probes = [{"name": n, "url": f"tcp://127.0.0.1:{target.port}", "interval": "1s"} for n in names]
        sla_file = tmp_path / "sla.yaml"
        sla_file.write_text(sla_yaml("fleet", probes))
        with ExporterProcess(tmp_path, [sla_file], "--shard", "0/2") as a, \
                ExporterProcess(tmp_path, [sla_file], "--shard", "1/2") as b:
            seen = []
            for ex in (a, b):
                m = ex.wait_for(lambda m: any(k[0] == PROBES_TOTAL for k in m), what="probe series")
                seen.append({dict(k[1])["probe"] for k in m if k[0] == PROBES_TOTAL})
            assert seen[0] and seen[1]
            assert seen[0].isdisjoint(seen[1])
            assert seen[0] | seen[1] == set(names)
            assert seen[0] == {n for n in names if shard_of("fleet", n, 2) == 0}
            assert a.value("slaforge_exporter_shard_info", index="0", count="2") == 1
