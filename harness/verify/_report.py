"""Reports of a :class:`~harness.verify.VerifyReport`: grouped text for people, JSON and JUnit XML for tools.

The text report groups findings by contract object and JSON path, one line per group with its kind,
severity, count and first location. It is coloured on a terminal and plain when piped (rich decides).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from harness._findings import Finding
from harness.verify._baseline import canonical_place

if TYPE_CHECKING:
    from rich.console import Console

    from harness.verify._runner import VerifyReport

ReportFormat = Literal["text", "json", "junit"]
"""The formats of ``harness verify --format``."""


@dataclass(slots=True)
class FindingGroup:
    """Findings with the same object, path, kind, severity and rule.

    Attributes:
        object: The contract object, or ``""``.
        path: The JSON path inside it, list indexes as ``*``.
        kind: The finding kind.
        severity: ``violation`` or ``drift``.
        rule: The grammar rule, if any.
        findings: The findings, in report order.
        failing: How many of them make the run fail.
        new: How many the baseline does not accept.
    """

    object: str
    path: str
    kind: str
    severity: str
    rule: str
    findings: list[Finding] = field(default_factory=list)
    failing: int = 0
    new: int = 0

    @property
    def first(self) -> Finding:
        """The first finding of the group."""
        return self.findings[0]


def group_findings(report: VerifyReport) -> dict[str, list[FindingGroup]]:
    """The report's findings grouped by object, then by path, kind, severity and rule.

    Objects and paths are those of :func:`~harness.verify.canonical_place`: a group is what a baseline
    entry is. Unreadable files are grouped one per file, under the object ``(unreadable)``.
    """
    failing = {id(f) for f in report.failures}
    new = {id(f) for f in report.new_findings}
    groups: dict[tuple[str, str, str, str, str], FindingGroup] = {}
    for finding in report.findings:
        obj, path = canonical_place(finding.object or "", finding.path)
        if finding.kind == "unreadable":
            obj, path = obj or "(unreadable)", path or finding.file or ""
        obj = obj or "(no object)"
        key: tuple[str, str, str, str, str] = (obj, path, finding.kind, finding.severity, finding.rule or "")
        group = groups.get(key)
        if group is None:
            group = groups[key] = FindingGroup(obj, path, finding.kind, finding.severity, finding.rule or "")
        group.findings.append(finding)
        group.failing += id(finding) in failing
        group.new += id(finding) in new
    by_object: dict[str, list[FindingGroup]] = {}
    for key in sorted(groups, key=lambda k: (k[0], k[3] != "violation", k[1], k[2], k[4])):
        by_object.setdefault(key[0], []).append(groups[key])
    return by_object


def summary_line(report: VerifyReport) -> str:
    """The last line of every text report: counts and the verdict."""
    violations = sum(f.severity == "violation" for f in report.findings)
    drift = sum(f.severity == "drift" for f in report.findings)
    new_drift = sum(f.severity == "drift" for f in report.new_findings)
    drift_text = f"{drift} drift"
    if report.baseline is not None:
        drift_text += f" ({new_drift} new, {drift - new_drift} in the baseline)"
    verdict = "FAILED" if report.exit_code else "passed"
    return (
        f"{_plural(len(report.files), 'file')}, {_plural(report.interactions, 'interaction')}, "
        f"{_plural(report.events, 'stream event')}: {_plural(violations, 'violation')}, {drift_text} "
        f"[{report.mode}] — {verdict}"
    )


def render_text(report: VerifyReport, console: Console) -> None:
    """Print the grouped report on ``console``."""
    from rich.text import Text

    for obj, groups in group_findings(report).items():
        total = sum(len(group.findings) for group in groups)
        console.print(Text.assemble((obj, "bold"), f"  {_plural(total, 'finding')}"), soft_wrap=True)
        width = max(len(group.path or "(root)") for group in groups)
        for group in groups:
            mark, style, state = _status(group, baselined=report.baseline is not None)
            line = Text("  ")
            line.append(mark, style=style)
            line.append(f" {(group.path or '(root)').ljust(width)}  ", style="bold" if group.failing else "")
            line.append(f"{group.kind:<14}{group.severity:<10}", style=style)
            line.append(f"{len(group.findings):>4}×  first at {group.first.location}")
            if group.rule:
                line.append(f"  rule {group.rule}")
            if state:
                line.append(f"  {state}", style=style)
            console.print(line, soft_wrap=True)
            console.print(Text(f"      {_one_line(group.first.message)}", style="dim"), soft_wrap=True)
    if report.unchecked:
        reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(report.unchecked.items()))
        console.print(Text(f"not checked: {reasons}", style="dim"), soft_wrap=True)
    if report.skipped:
        console.print(
            Text(f"skipped {_plural(len(report.skipped), 'file')} that are no cassette", style="dim")
        )
    verdict_style = "bold red" if report.exit_code else "bold green"
    console.print(Text(summary_line(report), style=verdict_style), soft_wrap=True)


def _status(group: FindingGroup, *, baselined: bool) -> tuple[str, str, str]:
    """The mark, style and word of a group: fails, new drift, accepted drift, or reported drift."""
    if group.failing:
        return "✗", "red", "fails"
    if not baselined:
        return "~", "yellow", ""
    if group.new:
        return "+", "yellow", "new"
    return "·", "dim", "accepted"


def finding_json(finding: Finding, *, new: bool) -> dict[str, Any]:
    """One finding in the JSON report."""
    return {
        "file": finding.file,
        "interaction": finding.interaction,
        "event": finding.event,
        "route": finding.route,
        "object": finding.object,
        "path": finding.path,
        "kind": finding.kind,
        "severity": finding.severity,
        "rule": finding.rule,
        "message": finding.message,
        "new": new,
    }


def to_json(report: VerifyReport) -> dict[str, Any]:
    """The JSON report: counts, the verdict and every finding."""
    new = {id(f) for f in report.new_findings}
    return {
        "files": len(report.files),
        "interactions": report.interactions,
        "events": report.events,
        "unchecked": dict(sorted(report.unchecked.items())),
        "mode": report.mode,
        "exit_code": report.exit_code,
        "findings": [finding_json(f, new=id(f) in new) for f in report.findings],
    }


def to_junit(report: VerifyReport) -> str:
    """The JUnit XML report: one test case per file, failing when it has failing findings."""
    failing = {id(f) for f in report.failures}
    by_file: dict[str, list[Finding]] = {name: [] for name in report.files}
    for finding in report.findings:
        by_file.setdefault(finding.file or "<traffic>", []).append(finding)
    suite = ET.Element(
        "testsuite",
        name="harness verify",
        tests=str(len(by_file)),
        failures=str(sum(any(id(f) in failing for f in fs) for fs in by_file.values())),
        errors="0",
        skipped="0",
    )
    for name, findings in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="harness.verify", name=name)
        failed = [f for f in findings if id(f) in failing]
        if failed:
            violations = sum(f.severity == "violation" for f in failed)
            message = f"{_plural(violations, 'violation')}, {len(failed) - violations} failing drift"
            failure = ET.SubElement(case, "failure", message=message, type="ContractViolation")
            failure.text = _lines(failed)
        others = [f for f in findings if id(f) not in failing]
        if others:
            ET.SubElement(case, "system-out").text = _lines(others)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def dumps_report(report: VerifyReport, fmt: Literal["json", "junit"]) -> str:
    """The machine-readable report as text: ``json`` (see :func:`to_json`) or ``junit`` XML."""
    if fmt == "json":
        return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"
    return to_junit(report)


def _lines(findings: Iterable[Finding]) -> str:
    return "\n".join(
        f"{f.location} {f.severity} {f.kind} {f.object or ''}.{f.path} {_one_line(f.message)}".replace(
            " .", " "
        )
        for f in findings
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
