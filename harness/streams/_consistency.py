"""Checks on the fields of each event: its object type and status, the ids it shares with the rest of the
stream, and its timestamps.

These checks keep a little state across the stream (the first value of each id, the last value of each
timestamp of each object, the time of the last dated event) but never look back at earlier events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.streams import _grammar_rules as rules
from harness.streams._events import END_STAMPS, ObjectKind
from harness.streams._grammar_rules import Problem, observed_quirk

OBJECT_TYPES: dict[ObjectKind, str] = {
    "thread": "thread",
    "run": "thread.run",
    "step": "thread.run.step",
    "message": "thread.message",
}
"""The ``object`` field each kind of event carries (``.delta`` is added for delta events)."""

CLOCK_SLACK = 1
"""Seconds an event may be dated before the latest event time seen so far.

Timestamps are whole seconds, stamped by different parts of the service: two objects made together (a
step and the message it announces, whose id the step already carries) can fall on either side of a
second boundary. Within one object, timestamps are compared strictly.
"""

STAMPS = (
    "created_at",
    "started_at",
    "completed_at",
    "failed_at",
    "cancelled_at",
    "expired_at",
    "incomplete_at",
)
"""The timestamps that date something that happened (``expires_at`` is a deadline and is left out)."""


class Consistency:
    """The checks of ``event.object-type``, ``status.matches-event``, ``ids.consistent``, ``time.monotonic``.

    Args:
        describe: Names an earlier event in a message, from its index (``event 3 (thread.run.queued)``).
    """

    def __init__(self, describe: Callable[[int], str]) -> None:
        self._describe = describe
        self._ids: dict[str, tuple[str, int]] = {}
        self._stamps: dict[str, dict[str, tuple[float, int]]] = {}
        self._clock: tuple[float, int] | None = None

    def fields(
        self, index: int, name: str, kind: ObjectKind, stage: str, data: dict[str, Any]
    ) -> list[Problem]:
        """Object type, status and ids of one event."""
        problems: list[Problem] = []
        if "object" in data:
            expected = OBJECT_TYPES[kind] + (".delta" if stage == "delta" else "")
            if data["object"] != expected:
                problems.append(
                    Problem(
                        rules.EVENT_OBJECT_TYPE,
                        f"{name} carries object {data['object']!r}: expected {expected!r}",
                        expected,
                        data["object"],
                        "object",
                    )
                )
        if stage == "delta":
            return problems
        if kind != "thread" and "status" in data:
            status = ("queued" if kind == "run" else "in_progress") if stage == "created" else stage
            if data["status"] != status:
                problems.append(
                    _status_problem(
                        name, "status", data["status"], f"{name} carries status {data['status']!r}", status
                    )
                )
            elif kind == "run" and stage == "completed" and data.get("incomplete_details") is not None:
                problems.append(
                    _status_problem(
                        name,
                        "incomplete_details",
                        data["incomplete_details"],
                        f"{name} carries status 'completed' with incomplete_details set",
                        None,
                    )
                )
        problems.extend(self._check_ids(index, name, kind, data))
        return problems

    def _check_ids(self, index: int, name: str, kind: ObjectKind, data: dict[str, Any]) -> list[Problem]:
        if kind == "thread":
            fields = {"thread_id": "id"}
        elif kind == "run":
            fields = {"thread_id": "thread_id", "run_id": "id", "assistant_id": "assistant_id"}
        else:
            fields = {"thread_id": "thread_id", "run_id": "run_id", "assistant_id": "assistant_id"}
        problems: list[Problem] = []
        for key, path in fields.items():
            value = data.get(path)
            if not isinstance(value, str):
                continue
            known = self._ids.get(key)
            if known is None:
                self._ids[key] = (value, index)
            elif known[0] != value:
                problems.append(
                    Problem(
                        rules.IDS_CONSISTENT,
                        f"{name} has {key} {value!r}: expected {known[0]!r}, as at "
                        f"{self._describe(known[1])}",
                        known[0],
                        value,
                        path,
                    )
                )
        return problems

    def time(
        self, index: int, name: str, kind: ObjectKind, stage: str, data: dict[str, Any]
    ) -> list[Problem]:
        """The timestamps of one (non-delta) event, against its object's earlier ones and the clock."""
        stamps = {
            key: value
            for key in STAMPS
            if isinstance(value := data.get(key), int | float) and not isinstance(value, bool)
        }
        object_id = data.get("id")
        problems: list[Problem] = []
        if isinstance(object_id, str):
            problems += self._never_back(index, f"{kind}:{object_id}", f"{kind} {object_id}", stamps)
        problems += _not_before_creation(name, stamps)
        dating = _dating_stamp(kind, stage)
        moment = stamps.get(dating) if dating is not None else None
        if dating is not None and moment is not None:
            problems += self._after_the_clock(index, name, dating, moment)
        return problems

    def _never_back(self, index: int, key: str, label: str, stamps: dict[str, float]) -> list[Problem]:
        """Each timestamp of one object never decreases from one event about it to the next."""
        known = self._stamps.setdefault(key, {})
        problems: list[Problem] = []
        for field, value in stamps.items():
            before = known.get(field)
            if before is not None and value < before[0]:
                problems.append(
                    Problem(
                        rules.TIME_MONOTONIC,
                        f"{label}: {field} goes back from {before[0]} ({self._describe(before[1])}) to "
                        f"{value}: expected it never to decrease",
                        f">= {before[0]}",
                        value,
                        field,
                    )
                )
            else:
                known[field] = (value, index)
        return problems

    def _after_the_clock(self, index: int, name: str, dating: str, moment: float) -> list[Problem]:
        """An event is dated no earlier than the events before it (give or take :data:`CLOCK_SLACK`)."""
        if self._clock is not None and moment < self._clock[0] - CLOCK_SLACK:
            return [
                Problem(
                    rules.TIME_MONOTONIC,
                    f"{name} is dated {moment} ({dating}), before {self._clock[0]} of "
                    f"{self._describe(self._clock[1])}: expected event times never to go back",
                    f">= {self._clock[0] - CLOCK_SLACK}",
                    moment,
                    dating,
                )
            ]
        if self._clock is None or moment > self._clock[0]:
            self._clock = (moment, index)
        return []


def _not_before_creation(name: str, stamps: dict[str, float]) -> list[Problem]:
    """No timestamp of an object is before its ``created_at``."""
    created = stamps.get("created_at")
    if created is None:
        return []
    return [
        Problem(
            rules.TIME_MONOTONIC,
            f"{name}: {field} {value} is before created_at {created}: expected it no earlier",
            f">= {created}",
            value,
            field,
        )
        for field, value in stamps.items()
        if field != "created_at" and value < created
    ]


def _status_problem(name: str, field: str, seen: object, what: str, expected: object) -> Problem:
    """A ``status.matches-event`` problem: drift when the real API was seen doing it, else a violation."""
    quirk = observed_quirk(rules.STATUS_MATCHES_EVENT, name, field, seen)
    if quirk is not None:
        return Problem(
            rules.STATUS_MATCHES_EVENT,
            f"{what}: the real API did this (quirk {quirk.id}); the documentation expects "
            f"{'null' if expected is None else repr(expected)}",
            expected,
            seen,
            field,
            severity="drift",
        )
    return Problem(rules.STATUS_MATCHES_EVENT, f"{what}: expected {expected!r}", expected, seen, field)


def _dating_stamp(kind: ObjectKind, stage: str) -> str | None:
    """The timestamp that dates an event: when it was created, started or ended; ``None`` for the others."""
    if stage == "created":
        return "created_at"
    if kind == "run" and stage == "in_progress":
        return "started_at"
    return END_STAMPS.get(stage)
