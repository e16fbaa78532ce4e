"""The demo: every seed scenario recorded against a server, replayed with the server gone, verified.

:func:`run_demo` is the library half of ``harness demo``; it reports progress through a callback so the
command can draw it, and returns one :class:`ScenarioReport` per scenario.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from harness._errors import HarnessError
from harness._findings import Finding
from harness.demo._scenarios import SCENARIOS, Outcome, ScenarioFailed
from harness.recording import Recorder, RecorderConfig

if TYPE_CHECKING:
    import openai

    from harness.verify import Baseline

Progress = Callable[[str, str], None]
"""Called with (scenario, stage) as the demo moves on: ``record``, ``replay``, ``verify``, ``done``."""

OFFLINE_BASE_URL = "http://127.0.0.1:9/v1"
"""Where replay points the SDK: a closed port, so a request that escaped the cassette would fail."""


@dataclass
class ScenarioReport:
    """How one scenario went.

    Attributes:
        name: The scenario.
        cassette: Where it was recorded.
        interactions: Interactions in the cassette.
        events: Stream events in the cassette.
        record_seconds: Wall-clock time of the recording run.
        replay_seconds: Wall-clock time of the replay run.
        findings: Contract and grammar findings that fail (violations, and drift the baseline lacks).
        drift: Drift findings accepted by the baseline (or any drift, without one).
        error: What went wrong, if the scenario did not complete.
    """

    name: str
    cassette: Path
    interactions: int = 0
    events: int = 0
    record_seconds: float = 0.0
    replay_seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    drift: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the scenario recorded, replayed identically and verified clean."""
        return self.error is None and not self.findings


def _client(base_url: str, api_key: str) -> openai.OpenAI:
    import openai

    return openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0)


@contextlib.contextmanager
def _target(live: bool) -> Iterator[tuple[str, str]]:
    if live:
        base_url = os.environ.get("OPENAI_BASE_URL")
        key = os.environ.get("OPENAI_API_KEY")
        if not base_url or not key:
            raise HarnessError(
                "harness demo --live records against OPENAI_BASE_URL with OPENAI_API_KEY; "
                f"set both (OPENAI_BASE_URL is {'set' if base_url else 'unset'}, "
                f"OPENAI_API_KEY is {'set' if key else 'unset'}), or drop --live to use the embedded server"
            )
        yield base_url, key
        return
    from harness.server import serve_in_thread

    with serve_in_thread(seed=0) as server:
        yield server.base_url, "sk-demo-not-a-real-key"


def run_demo(
    out: Path,
    *,
    live: bool = False,
    scenarios: dict[str, Callable[[openai.OpenAI], Outcome]] | None = None,
    baseline: Baseline | None = None,
    progress: Progress | None = None,
) -> list[ScenarioReport]:
    """Record every scenario into ``out``, replay it offline, and verify the cassettes.

    Args:
        out: The folder for the cassettes (``<scenario>.yaml``), created if missing.
        live: Record against ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` instead of the embedded server.
        scenarios: The scenarios to run (default: all of :data:`SCENARIOS`).
        baseline: Accepted drift; drift it lacks counts as a finding.
        progress: Told of each stage as it starts.
    """
    from harness.verify import check_exchange, verify

    chosen = scenarios if scenarios is not None else SCENARIOS
    notify = progress or (lambda scenario, stage: None)
    out.mkdir(parents=True, exist_ok=True)
    reports = {name: ScenarioReport(name=name, cassette=out / f"{name}.yaml") for name in chosen}
    outcomes: dict[str, Outcome] = {}

    with _target(live) as (base_url, key):
        for name, scenario in chosen.items():
            report = reports[name]
            notify(name, "record")
            config = RecorderConfig(path=report.cassette, record_mode="rewrite", contracts="off")
            started = time.perf_counter()
            try:
                with Recorder(config) as recorder:
                    outcomes[name] = scenario(_client(base_url, key))
            except (ScenarioFailed, HarnessError, OSError) as error:
                report.error = f"recording failed: {error}"
            except Exception as error:  # the SDK's errors: the server answered unexpectedly
                report.error = f"recording failed: {type(error).__name__}: {error}"
            report.record_seconds = time.perf_counter() - started
            if report.error is None:
                recorder.save()

    for name, scenario in chosen.items():
        report = reports[name]
        if report.error is not None:
            notify(name, "done")
            continue
        notify(name, "replay")
        config = RecorderConfig(path=report.cassette, record_mode="none", contracts="tolerant")
        started = time.perf_counter()
        try:
            with Recorder(config, check=check_exchange) as replay:
                replayed = scenario(_client(OFFLINE_BASE_URL, "replay-needs-no-key"))
        except Exception as error:
            report.error = f"replay failed: {type(error).__name__}: {error}"
            notify(name, "done")
            continue
        report.replay_seconds = time.perf_counter() - started
        if replayed != outcomes[name]:
            report.error = f"replay differs: recorded {outcomes[name]}, replayed {replayed}"
        if replay.cassette is not None and replay.cassette.unused:
            report.error = f"{len(replay.cassette.unused)} recorded interactions were not replayed"
        notify(name, "verify")
        result = verify([report.cassette], mode="tolerant", baseline=baseline)
        report.interactions = result.interactions
        report.events = result.events
        report.findings = list(result.failures)
        report.drift = sum(1 for f in result.findings if f.severity == "drift") - sum(
            1 for f in report.findings if f.severity == "drift"
        )
        notify(name, "done")
    return list(reports.values())
