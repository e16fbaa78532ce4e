"""``harness show``: a cassette as a readable timeline.

Each interaction is one line — index, method, path, status, timing — followed by a short description of
the object it returned. A stream is listed event by event, except that a run of deltas about the same
message or step collapses into one line with the text or arguments they add up to. Findings appear under
the interaction or the event they concern.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness._findings import Finding
from harness._headers import header
from harness.streams import DecodedStream, ObjectSummary, SSEEvent, decode_sse, iter_events, reconstruct
from harness.verify._readers import UnreadableRecording, read_recording
from harness.verify._recording import RecordedInteraction
from harness.verify._runner import check_interaction

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_PREVIEW = 2000
"""Characters of reconstructed text shown for one collapsed run of deltas."""


@dataclass(frozen=True, slots=True)
class _Segment:
    """One line of a stream: a single event, or consecutive deltas about one object."""

    first: int
    last: int
    name: str
    data: Any
    deltas: tuple[Any, ...] = ()


def render_timeline(path: Path, console: Console, *, name: str | None = None) -> list[Finding]:
    """Print the cassette at ``path`` as a timeline on ``console`` and return its findings.

    Args:
        path: The cassette file.
        console: Where to print (rich decides on colour).
        name: How to call the file in findings (default: ``path`` as given).
    """
    from rich.text import Text

    label = name or path.as_posix()
    try:
        recording = read_recording(path)
    except UnreadableRecording as error:
        finding = Finding(kind="unreadable", severity="violation", message=str(error), file=label)
        console.print(Text(f"{label}: cannot be read", style="bold red"), soft_wrap=True)
        _print_findings(console, [finding], indent=2)
        return [finding]
    findings: list[Finding] = []
    count = len(recording.interactions)
    console.print(
        Text.assemble((label, "bold"), f"  {recording.format}, {count} interaction{'s' * (count != 1)}"),
        soft_wrap=True,
    )
    problems = [problem.with_location(file=label) for problem in recording.problems]
    for interaction in recording.interactions:
        check = check_interaction(interaction)
        located = [f for f in problems if f.interaction == interaction.index]
        located += [f.with_location(file=label, interaction=interaction.index) for f in check.findings]
        events, truncated = check.events, check.truncated
        if not events and interaction.content_type == "text/event-stream":  # a stream nothing checked
            decoded = decode_sse(interaction.response_body)
            events, truncated = decoded.events, decoded.truncated
        console.print(_heading(interaction, check.skipped, len(events)), soft_wrap=True)
        if events:
            _print_stream(console, events, located, truncated=truncated)
        else:
            description = _describe(interaction)
            if description:
                console.print(Text(f"     {description}", style="dim"), soft_wrap=True)
            _print_findings(console, located, indent=5)
        findings.extend(located)
    violations = sum(f.severity == "violation" for f in findings)
    drift = len(findings) - violations
    console.print(
        Text(
            f"{count} interaction{'s' * (count != 1)}: {violations} violation{'s' * (violations != 1)}, "
            f"{drift} drift",
            style="bold red" if violations else "bold",
        ),
        soft_wrap=True,
    )
    return findings


def _heading(interaction: RecordedInteraction, skipped: str | None, events: int) -> Text:
    from rich.text import Text

    status_style = "green" if interaction.status < 300 else "yellow" if interaction.status < 500 else "red"
    line = Text(f"#{interaction.index:<3} ", style="bold")
    line.append(f"{interaction.method:<6} ", style="bold cyan")
    query = interaction.uri.partition("?")[2]
    line.append(interaction.path + (f"?{query}" if query else ""))
    line.append("  → ")
    line.append(str(interaction.status), style=f"bold {status_style}")
    if events:
        line.append(f"  stream, {events} event{'s' * (events != 1)}", style="magenta")
    timing = _timing(interaction)
    if timing:
        line.append(f"  {timing}", style="dim")
    if skipped is not None:
        line.append(f"  (not checked: {skipped})", style="dim")
    return line


def _timing(interaction: RecordedInteraction) -> str:
    parts: list[str] = []
    if interaction.duration_ms is not None:
        parts.append(f"{interaction.duration_ms:.0f} ms")
    else:
        server = header(interaction.response_headers, "openai-processing-ms")
        if server and server.strip().isdigit():
            parts.append(f"server {int(server)} ms")
    when = interaction.recorded_at or header(interaction.response_headers, "date")
    if when:
        parts.append(f"at {when}")
    return ", ".join(parts)


def _describe(interaction: RecordedInteraction) -> str:
    """One line about the returned object: its type, id and status, or the error message."""
    try:
        body = json.loads(interaction.response_body)
    except (ValueError, UnicodeDecodeError):
        size = len(interaction.response_body)
        return f"{interaction.content_type or 'body'}, {size} bytes" if size else ""
    if not isinstance(body, dict):
        return type(body).__name__
    if isinstance(body.get("error"), dict):
        return f"error: {body['error'].get('message', '')}"
    if body.get("object") == "list" and isinstance(body.get("data"), list):
        return f"list of {len(body['data'])}" + (", has more" if body.get("has_more") else "")
    return _object_summary(body)


def _object_summary(data: Any, *, with_type: bool = True) -> str:
    if not isinstance(data, dict):
        return "" if data is None else str(data)[:80]
    keys = ("object", "id", "status") if with_type else ("id", "status")
    parts = [str(data[key]) for key in keys if isinstance(data.get(key), str)]
    if data.get("deleted") is True:
        parts.append("deleted")
    return " ".join(parts)


def _segments(events: Sequence[SSEEvent]) -> Iterator[_Segment]:
    """Events in order, consecutive deltas about the same object collapsed into one segment."""
    pending: list[tuple[int, Any]] = []
    pending_name = ""

    def flush() -> Iterator[_Segment]:
        if pending:
            yield _Segment(pending[0][0], pending[-1][0], pending_name, None, tuple(d for _, d in pending))
            pending.clear()

    for index, (name, data) in enumerate(iter_events(list(events))):
        if name.endswith(".delta") and isinstance(data, dict):
            same = pending and pending_name == name and _id(pending[-1][1]) == _id(data)
            if not same:
                yield from flush()
                pending_name = name
            pending.append((index, data))
            continue
        yield from flush()
        yield _Segment(index, index, name, data)
    yield from flush()


def _print_stream(
    console: Console, events: Sequence[SSEEvent], findings: list[Finding], *, truncated: bool
) -> None:
    from rich.text import Text

    by_event: dict[int, list[Finding]] = {}
    general: list[Finding] = []
    for finding in findings:
        (by_event.setdefault(finding.event, []) if finding.event is not None else general).append(finding)
    summary = reconstruct(DecodedStream(events=tuple(events), truncated=truncated))
    segments = list(_segments(events))
    last_of = {_id(segment.deltas[0]): number for number, segment in enumerate(segments) if segment.deltas}
    for number, segment in enumerate(segments):
        span = f"{segment.first}" if segment.first == segment.last else f"{segment.first}-{segment.last}"
        line = Text(f"     {span:>7}  ", style="dim")
        if segment.deltas:
            line.append(f"{segment.name} ×{len(segment.deltas)}", style="cyan")
            item = summary.get(str(_id(segment.deltas[0])))
            # Deltas of one object interrupted by other events: its content is shown after the last run.
            content = _content(item) if item is not None and last_of[_id(segment.deltas[0])] == number else []
            if len(content) == 1 and "\n" not in content[0] and len(content[0]) <= 100:
                line.append("  → ")
                line.append(content[0], style="green")
                content = []
            console.print(line, soft_wrap=True)
            for piece in content:
                shown = piece if len(piece) <= _PREVIEW else piece[:_PREVIEW] + "…"
                for text_line in shown.splitlines() or [""]:
                    console.print(Text(f"{'':16}{text_line}", style="green"), soft_wrap=True)
        else:
            summary_text = _object_summary(segment.data, with_type=False) if segment.name != "done" else ""
            line.append(f"{segment.name:<28} {summary_text}" if summary_text else segment.name)
            console.print(line, soft_wrap=True)
        inside = [f for index in range(segment.first, segment.last + 1) for f in by_event.pop(index, [])]
        many = segment.first != segment.last
        _print_findings(console, inside, indent=16, event_name=segment.name, show_events=many)
    if truncated:
        console.print(Text("              (the stream is cut in the middle of an event)", style="red"))
    _print_findings(console, general + [f for rest in by_event.values() for f in rest], indent=5)


def _print_findings(
    console: Console,
    findings: list[Finding],
    *,
    indent: int,
    event_name: str | None = None,
    show_events: bool = True,
) -> None:
    """Print findings, those that differ only in their event as one line listing the events.

    Under an event line (``event_name``), findings about the event's own data leave its name out.
    """
    from rich.text import Text

    grouped: dict[tuple[Any, ...], list[Finding]] = {}
    for finding in findings:
        key = (finding.severity, finding.kind, finding.object, finding.path, finding.rule, finding.message)
        grouped.setdefault(key, []).append(finding)
    for same in grouped.values():
        finding = same[0]
        style = "red" if finding.severity == "violation" else "yellow"
        line = Text(" " * indent + ("! " if finding.severity == "violation" else "~ "), style=style)
        label = f"{finding.severity} {finding.kind}" + (f" [{finding.rule}]" if finding.rule else "")
        line.append(label, style=f"bold {style}")
        events = [f.event for f in same if f.event is not None]
        if events and show_events:
            line.append(f" at event{'s' * (len(events) > 1)} {_ranges(events)}")
        obj = "" if finding.object == event_name else finding.object or ""
        where = ".".join(part for part in (obj, finding.path) if part)
        if where:
            line.append(f" {where}")
        line.append(": " + " ".join(finding.message.split()))
        console.print(line, soft_wrap=True)


def _ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 7]`` as ``1-3, 7``."""
    parts: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)


def _id(data: Any) -> Any:
    return data.get("id") if isinstance(data, dict) else None


def _content(item: ObjectSummary) -> list[str]:
    """What a streamed message or step adds up to: its texts, or its calls as ``name(arguments)``."""
    if item.kind == "message":
        return [text for _, text in sorted(item.texts.items())]
    pieces: list[str] = []
    for call in item.tool_calls:
        if call.type == "function" or call.name is not None:
            pieces.append(f"{call.name or '?'}({call.arguments or ''})")
        elif call.input is not None:
            pieces.append(call.input)
    return pieces
