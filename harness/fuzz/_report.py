"""The outcome of a fuzz session, reported in the format of ``harness verify``.

Findings are grouped by object and path as ``harness verify`` groups them; each failure is followed by
the shortest sequence of requests Hypothesis found that reproduces it, and the command that replays the
session. JSON and JUnit reports are ``harness verify``'s, with the fuzz session's details added.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from harness._findings import Finding
from harness.contracts import ContractMode, failing
from harness.fuzz._http import ApiCall

if TYPE_CHECKING:
    from rich.console import Console

    from harness.verify import VerifyReport


@dataclass(frozen=True, slots=True)
class FailingCase:
    """One failure with its shortest reproduction.

    Attributes:
        source: Where it happened: ``stateful``, ``examples METHOD /template`` or ``setup``.
        findings: The failing findings, located at ``source:request index[:event]``.
        sequence: The requests of the shrunk example, the failing one last.
        program: Hypothesis's description of the example (the drawn request, or the state machine's
            steps).
    """

    source: str
    findings: list[Finding]
    sequence: list[ApiCall]
    program: str = ""

    @property
    def title(self) -> str:
        """``kind [rule] object.path``, of the first finding."""
        first = self.findings[0]
        where = ".".join(part for part in (first.object or "", first.path) if part)
        rule = f" [{first.rule}]" if first.rule else ""
        return f"{first.kind}{rule} {first.route or ''} {where}".rstrip()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the case."""
        from harness.verify import VerifyReport, to_json

        located = VerifyReport(files=[], interactions=0, events=0, findings=self.findings, new_findings=[])
        return {
            "source": self.source,
            "findings": to_json(located)["findings"],
            "sequence": [exchange.to_dict() for exchange in self.sequence],
            "program": self.program,
        }


@dataclass(frozen=True, slots=True)
class FuzzReport:
    """What a fuzz session found.

    Attributes:
        base_url: The server fuzzed (``embedded`` for the embedded server).
        seed: The seed that reproduces the session.
        examples: Examples per route (and state machine runs).
        steps: Steps per state machine run.
        stateful: Whether the stateful check ran.
        routes: The routes of the examples phase.
        selected: The ``--routes`` patterns given, if any.
        requests: How many requests were sent.
        events: How many stream events came back.
        failures: Each failure with its shortest reproduction.
        drift: Findings that do not fail under ``mode`` (unknown fields and events), once per place.
        mode: ``tolerant`` (violations fail) or ``strict`` (drift fails too).
        phases: The phases that ran, in order (``stateful``, ``coverage``, ``random``).
        coverage: Per route of the coverage phase: requests sent, and how many it has (rules broken
            once each, limits met once each).
        stopped: Why the session stopped before the end (``--max-time`` reached, a signal), if it did:
            the report then holds what was found until then.
        elapsed: Seconds the session took.
        first_failure: Seconds from the start to the first failure found, if any.
    """

    base_url: str
    seed: int
    examples: int
    steps: int
    stateful: bool
    routes: list[str]
    requests: int
    events: int
    failures: list[FailingCase]
    drift: list[Finding] = field(default_factory=list)
    selected: list[str] | None = None
    mode: ContractMode = "tolerant"
    phases: list[str] = field(default_factory=lambda: ["coverage", "random"])
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)
    stopped: str | None = None
    elapsed: float = 0.0
    first_failure: float | None = None

    @property
    def findings(self) -> list[Finding]:
        """Every finding: those of the failures, then the drift."""
        return [finding for case in self.failures for finding in case.findings] + list(self.drift)

    @property
    def exit_code(self) -> int:
        """0 when nothing fails, 1 otherwise."""
        return 1 if failing(self.findings, self.mode) else 0

    @property
    def sources(self) -> list[str]:
        """The parts of the session, as ``harness verify`` names files."""
        names = ["stateful"] if self.stateful else []
        if "coverage" in self.phases:
            names += [f"coverage {route}" for route in self.routes]
        if "random" in self.phases:
            names += [f"examples {route}" for route in self.routes]
        extra = [case.source for case in self.failures if case.source not in names]
        return names + sorted(set(extra))

    def reproduce(self) -> str:
        """The command that runs this session again."""
        words = ["harness", "fuzz", "--base-url", self.base_url, "--seed", str(self.seed)]
        words += ["--examples", str(self.examples)]
        if self.stateful:
            words += ["--stateful", "--steps", str(self.steps)]
        default = (["stateful"] if self.stateful else []) + ["coverage", "random"]
        if self.phases != default:
            words += ["--phases", ",".join(self.phases)]
        for pattern in self.selected or ():
            words += ["--routes", pattern]
        if self.mode == "strict":
            words.append("--strict")
        return shlex.join(words)

    def as_verify_report(self) -> VerifyReport:
        """The findings as a :class:`harness.verify.VerifyReport` (one "file" per part of the session)."""
        from harness.verify import VerifyReport

        findings = self.findings
        return VerifyReport(
            files=self.sources,
            interactions=self.requests,
            events=self.events,
            findings=findings,
            new_findings=findings,
            mode=self.mode,
        )


def summary_line(report: FuzzReport) -> str:
    """The last line of the text report."""
    violations = sum(f.severity == "violation" for f in report.findings)
    drift = sum(f.severity == "drift" for f in report.findings)
    verdict = "FAILED" if report.exit_code else "passed"
    stateful = f", stateful {report.examples}×{report.steps} steps" if report.stateful else ""
    return (
        f"{_plural(len(report.routes), 'route')}{stateful}, {_plural(report.requests, 'request')}, "
        f"{_plural(report.events, 'stream event')}: {_plural(violations, 'violation')}, {drift} drift "
        f"[{report.mode}, seed {report.seed}{', stopped early' if report.stopped else ''}] — {verdict}"
    )


def render_text(report: FuzzReport, console: Console) -> None:
    """Print the grouped findings, each failure's reproduction and the summary on ``console``."""
    from rich.text import Text

    from harness.verify import group_findings

    console.print(Text(f"harness fuzz {report.base_url}", style="bold"), soft_wrap=True)
    failed = {id(f) for f in failing(report.findings, report.mode)}
    for obj, groups in group_findings(report.as_verify_report()).items():
        total = sum(len(group.findings) for group in groups)
        console.print(Text.assemble((obj, "bold"), f"  {_plural(total, 'finding')}"), soft_wrap=True)
        for group in groups:
            fails = any(id(f) in failed for f in group.findings)
            style = "red" if fails else "yellow"
            line = Text("  ")
            line.append("✗" if fails else "~", style=style)
            line.append(f" {group.path or '(root)'}  ")
            line.append(f"{group.kind:<14}{group.severity:<10}", style=style)
            line.append(f"{len(group.findings):>4}×  first at {group.first.location}")
            if group.rule:
                line.append(f"  rule {group.rule}")
            console.print(line, soft_wrap=True)
            console.print(Text(f"      {_one_line(group.first.message)}", style="dim"), soft_wrap=True)
    for number, case in enumerate(report.failures, 1):
        console.print(
            Text(f"\nfailure {number}: {case.title} ({case.source})", style="bold red"), soft_wrap=True
        )
        for finding in case.findings:
            console.print(Text(f"  {_one_line(finding.message)}"), soft_wrap=True)
        count = len(case.sequence)
        console.print(Text(f"  shortest reproduction ({_plural(count, 'request')}):"), soft_wrap=True)
        for index, exchange in enumerate(case.sequence):
            console.print(Text(f"    {index}. {exchange.describe()}", style="dim"), soft_wrap=True)
    if report.failures:
        console.print(Text(f"\nreproduce with: {report.reproduce()}"), soft_wrap=True)
    if report.coverage:
        console.print(Text("\ncoverage phase:"), soft_wrap=True)
        for route, (sent, total) in report.coverage.items():
            console.print(Text(f"  {route}  rules covered {sent}/{total}"), soft_wrap=True)
    if report.stopped:
        console.print(
            Text(
                f"\nstopped early after {report.elapsed:.0f} s ({report.stopped}): the report holds what was "
                "found until then",
                style="bold yellow",
            ),
            soft_wrap=True,
        )
    style = "bold red" if report.exit_code else "bold green"
    console.print(Text(summary_line(report), style=style), soft_wrap=True)


def to_json(report: FuzzReport) -> dict[str, Any]:
    """The JSON report: ``harness verify``'s, plus the session and each failure's reproduction."""
    from harness.verify import to_json as verify_json

    document = verify_json(report.as_verify_report())
    document.update(
        {
            "base_url": report.base_url,
            "seed": report.seed,
            "examples": report.examples,
            "steps": report.steps,
            "stateful": report.stateful,
            "routes": report.routes,
            "sources": report.sources,
            "requests": report.requests,
            "failures": [case.to_dict() for case in report.failures],
            "reproduce": report.reproduce(),
            "phases": report.phases,
            "coverage": {
                route: {"covered": sent, "rules": total} for route, (sent, total) in report.coverage.items()
            },
            "stopped": report.stopped,
            "elapsed": round(report.elapsed, 3),
            "first_failure": None if report.first_failure is None else round(report.first_failure, 3),
        }
    )
    return document


def dumps_report(report: FuzzReport, fmt: Literal["json", "junit"]) -> str:
    """The machine-readable report as text: ``json`` or ``junit`` XML (``harness verify``'s format)."""
    if fmt == "json":
        return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"
    from harness.verify import to_junit

    return _fuzz_suite(to_junit(report.as_verify_report()), report)


def _fuzz_suite(xml: str, report: FuzzReport) -> str:
    """``harness verify``'s JUnit report renamed ``harness fuzz``, with the session as properties."""
    import xml.etree.ElementTree as ET

    suite = ET.fromstring(xml)
    suite.set("name", "harness fuzz")
    properties = ET.Element("properties")
    values = {
        "seed": str(report.seed),
        "reproduce": report.reproduce(),
        "base_url": report.base_url,
        "phases": ",".join(report.phases),
        "requests": str(report.requests),
    }
    if report.stopped:
        values["stopped"] = report.stopped
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=value)
    suite.insert(0, properties)
    for case in suite.iter("testcase"):
        case.set("classname", "harness.fuzz")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
