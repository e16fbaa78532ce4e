"""The lifecycles the grammar walks, as tables: which event may follow which, per kind of object.

- A run: :data:`RUN_NEXT` lists the run events that may follow each run event.
- A step or a message: :data:`OBJECT_NEXT` says, for the stage an object is in and the kind of event
  that arrives about it, which stage it moves to, which rule (if any) the event breaks, and whether
  the event's content (a delta, an end) is still taken.
- A resumed stream: :func:`adoptions` is a pass of its own, before the grammar's, that finds the
  events by which a stream returned by ``submit_tool_outputs`` finishes what was open when the run
  paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.streams import _grammar_rules as rules
from harness.streams._events import classify

RUN_NEXT: dict[str | None, frozenset[str]] = {
    None: frozenset({"created"}),
    "created": frozenset({"queued"}),
    "queued": frozenset({"in_progress", "cancelling", "cancelled", "failed", "expired"}),
    "in_progress": frozenset(
        {"requires_action", "cancelling", "completed", "incomplete", "failed", "cancelled", "expired"}
    ),
    "cancelling": frozenset({"cancelled", "completed", "incomplete", "failed", "expired"}),
}
"""The run events that may follow each run event (``None``: the start of a stream that starts the run)."""

RESUMED_START = frozenset({"queued", "in_progress"})
"""The run events a resumed stream may start the run with."""

RUN_RANK = {"created": 0, "queued": 1, "in_progress": 2, "cancelling": 3}
"""How far along each non-terminal run stage is: an out-of-order event never moves the run back."""

ObjectStage = Literal["created", "in_progress", "ended"]
"""Where a step or message is in its life."""

EventStep = Literal["created", "in_progress", "delta", "end"]
"""What an event does to a step or message (``end``: any of its terminal events)."""


@dataclass(frozen=True, slots=True)
class Move:
    """What one event does to a step or message in a given stage.

    Attributes:
        next: The stage the object moves to; ``None`` keeps it.
        rule: The rule the event breaks, ``None`` when it is legal.
        message: The finding's message, with ``{name}``, ``{kind}``, ``{id}``, ``{first}`` (where the
            object was first seen), ``{ended}`` (where it ended), ``{end}`` (how), ``{created}`` and
            ``{in_progress}`` (the object's event names) to fill in.
        expected: What the rule expected (same placeholders).
        seen: What the stream had instead (same placeholders).
        proceed: Whether the event's content is still taken: a delta folded, an end checked.
    """

    next: ObjectStage | None
    rule: str | None = None
    message: str = ""
    expected: str = ""
    seen: str = "{name}"
    proceed: bool = True


_CREATED_AGAIN = Move(
    None,
    rules.OBJECT_CREATED_FIRST,
    "{name} for {kind} {id}, already known from {first}: expected it created once, before its other events",
    "one {created} first",
    "{name} again",
    proceed=False,
)
_IN_PROGRESS_AGAIN = (
    "{name} for {kind} {id}, which is already {state}: expected in_progress once, right after {created}"
)
_SKIPPED_IN_PROGRESS = Move(
    "in_progress",
    rules.OBJECT_LIFECYCLE,
    "{name} for {kind} {id} straight after its creation: expected {in_progress} first",
    "{in_progress}",
)

OBJECT_NEXT: dict[tuple[ObjectStage, EventStep], Move] = {
    ("created", "created"): _CREATED_AGAIN,
    ("created", "in_progress"): Move("in_progress", proceed=False),
    ("created", "delta"): _SKIPPED_IN_PROGRESS,
    ("created", "end"): _SKIPPED_IN_PROGRESS,
    ("in_progress", "created"): _CREATED_AGAIN,
    ("in_progress", "in_progress"): Move(
        None,
        rules.OBJECT_LIFECYCLE,
        _IN_PROGRESS_AGAIN.replace("{state}", "in progress"),
        "in_progress right after created",
        proceed=False,
    ),
    ("in_progress", "delta"): Move("in_progress"),
    ("in_progress", "end"): Move("ended"),
    ("ended", "created"): _CREATED_AGAIN,
    ("ended", "in_progress"): Move(
        None,
        rules.OBJECT_LIFECYCLE,
        _IN_PROGRESS_AGAIN.replace("{state}", "ended ({end})"),
        "in_progress right after created",
        proceed=False,
    ),
    ("ended", "delta"): Move(
        None,
        rules.OBJECT_LIFECYCLE,
        "{name} for {kind} {id} after it ended at {ended}: expected no delta after the end",
        "no event after the end",
        proceed=False,
    ),
    ("ended", "end"): Move(
        None,
        rules.OBJECT_SINGLE_TERMINAL,
        "{name} for {kind} {id}, which already ended at {ended}: expected one end",
        "no second end",
        proceed=False,
    ),
}
"""The lifecycle of a step or message: created → in_progress → delta* → one end, as a table."""


def event_step(stage: str) -> EventStep:
    """What an event of ``stage`` does to a step or message: create it, start it, add a delta or end it.

    Every other stage of a step or message event (see :func:`~harness.streams._events.classify`) ends it.
    """
    return _BEGINNINGS.get(stage, "end")


_BEGINNINGS: dict[str, EventStep] = {"created": "created", "in_progress": "in_progress", "delta": "delta"}


def adoptions(events: list[tuple[str, object]], resumed: bool) -> frozenset[int]:
    """The events by which a resumed stream takes over the step or message left open when the run paused.

    Such an object is already in progress, so it shows up with a delta or its end (never with
    ``in_progress``), before the stream creates anything of its own. Every other event about an object
    the stream never created is an ``object.unknown`` violation.

    Args:
        events: The stream's ``(name, data)`` pairs.
        resumed: Whether the stream continues a run started elsewhere; a fresh stream adopts nothing.

    Returns:
        The indexes of the adopting events (the first event about each adopted object).
    """
    if not resumed:
        return frozenset()
    adopted: set[int] = set()
    seen: set[str] = set()
    for index, (name, data) in enumerate(events):
        if name in ("done", "error"):
            break
        kind_stage = classify(name)
        if kind_stage is None or kind_stage[0] not in ("step", "message") or not isinstance(data, dict):
            continue
        object_id = data.get("id")
        if not isinstance(object_id, str) or object_id in seen:
            continue
        if kind_stage[1] == "created":
            break
        if kind_stage[1] != "in_progress":
            adopted.add(index)
            seen.add(object_id)
    return frozenset(adopted)
