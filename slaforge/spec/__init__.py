"""The SLA file format (slaforge/v1): load once, validate, and hand typed models to the generators."""

from slaforge.spec.loader import expand_paths, load_slas, load_text
from slaforge.spec.model import SLA, Objective, Probe
from slaforge.spec.problems import Problem, SpecError

__all__ = ["SLA", "Objective", "Probe", "Problem", "SpecError", "expand_paths", "load_slas", "load_text"]
