"""The demo: the seed's scenarios recorded against the embedded server, replayed offline and verified."""

from __future__ import annotations

from harness.demo._runner import ScenarioReport, run_demo
from harness.demo._scenarios import SCENARIOS, Outcome, ScenarioFailed

__all__ = ["SCENARIOS", "Outcome", "ScenarioFailed", "ScenarioReport", "run_demo"]
