"""Findings: one broken rule at one place in recorded traffic.

Every checker of the harness (response contracts, the stream grammar, the fuzzer) reports in this one
shape, which is also the JSON shape of ``harness verify --format json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["violation", "drift"]
"""``violation`` always fails; ``drift`` (an unknown field or event, or a documented field that real
traffic is known to leave out) fails only in strict mode or when a baseline does not accept it."""

Kind = Literal[
    "missing",
    "type",
    "enum",
    "limit",
    "unknown_field",
    "unknown_event",
    "unreadable",
    "grammar",
    "status",
    "invariant",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule, located as ``file:interaction[:event]`` plus a dotted JSON ``path``.

    Attributes:
        kind: What sort of rule was broken (see :data:`Kind`).
        severity: ``violation`` or ``drift``.
        message: One readable sentence: what was expected and what was seen.
        file: The cassette (or other source) the traffic came from, if any.
        interaction: Index of the interaction inside the file, if any.
        event: Index of the stream event inside the interaction's body; ``None`` outside streams.
        route: The route template, e.g. ``POST /threads/{thread_id}/runs``.
        object: The contract object name, e.g. ``Run`` or ``thread.run.step.delta``.
        path: Dotted JSON path inside the object, e.g. ``required_action.type``; ``""`` for the root.
        rule: Stable rule id for grammar findings (e.g. ``run.single-terminal``); ``None`` otherwise.
        expected: What the rule expected, when it can be said briefly.
        seen: What was actually seen, when it can be said briefly.
    """

    kind: Kind
    severity: Severity
    message: str
    file: str | None = None
    interaction: int | None = None
    event: int | None = None
    route: str | None = None
    object: str | None = None
    path: str = ""
    rule: str | None = None
    expected: Any = field(default=None, compare=False)
    seen: Any = field(default=None, compare=False)

    @property
    def location(self) -> str:
        """``file:interaction[:event]`` with the parts that are known."""
        parts = [self.file or "<traffic>"]
        if self.interaction is not None:
            parts.append(str(self.interaction))
            if self.event is not None:
                parts.append(str(self.event))
        return ":".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by ``harness verify --format json``."""
        return asdict(self)

    def with_location(
        self,
        *,
        file: str | None = None,
        interaction: int | None = None,
        event: int | None = None,
    ) -> Finding:
        """A copy placed at ``file``/``interaction``/``event`` (unset arguments keep their value)."""
        return Finding(
            kind=self.kind,
            severity=self.severity,
            message=self.message,
            file=file if file is not None else self.file,
            interaction=interaction if interaction is not None else self.interaction,
            event=event if event is not None else self.event,
            route=self.route,
            object=self.object,
            path=self.path,
            rule=self.rule,
            expected=self.expected,
            seen=self.seen,
        )


def format_findings(findings: list[Finding] | tuple[Finding, ...], *, limit: int = 20) -> str:
    """A plain-text report, one finding per line: location, kind, object path and message."""
    lines: list[str] = []
    for finding in findings[:limit]:
        where = finding.object or finding.route or ""
        if finding.path:
            where = f"{where}.{finding.path}" if where else finding.path
        rule = f" [{finding.rule}]" if finding.rule else ""
        lines.append(
            f"  {finding.location} {finding.severity}/{finding.kind}{rule} {where}: {finding.message}"
        )
    if len(findings) > limit:
        lines.append(f"  … and {len(findings) - limit} more")
    return "\n".join(lines)
