"""A small local HTTP service whose failures can be switched on and off, to watch an SLA burn.

`slaforge demo-target` runs it; see docs/getting-started.md.
"""

from slaforge.demo.server import DemoTarget
from slaforge.demo.state import FailureState, Mode

__all__ = ["DemoTarget", "FailureState", "Mode"]
