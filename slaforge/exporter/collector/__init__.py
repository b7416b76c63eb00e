"""The exporter's metrics: its own registry, its collectors and the fast text exposition."""

from slaforge.exporter.collector.families import ExporterCollector, ProbeCollector, SchedulerStats
from slaforge.exporter.collector.render import Exposition

__all__ = ["ExporterCollector", "Exposition", "ProbeCollector", "SchedulerStats"]
