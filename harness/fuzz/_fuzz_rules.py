"""The rules the fuzzer checks beyond the contracts and the stream grammar, with stable ids.

Findings of these rules carry the id in :attr:`harness.Finding.rule`; their kind is ``status`` (the
answer's status code is wrong), ``invariant`` (the answers contradict each other) or ``unreadable`` (no
complete answer at all).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from harness._findings import Kind

_RULES: dict[str, tuple[Kind, str]] = {
    "request.valid-accepted": (
        "status",
        "A request that keeps every documented rule is answered with a 2xx.",
    ),
    "request.invalid-rejected": (
        "status",
        "A request that breaks one documented rule is answered with 400, not a 2xx or another status.",
    ),
    "error.names-param": (
        "invariant",
        "The 400 for a broken rule names the parameter at fault in error.param, or one enclosing it (for an "
        "unknown or missing `type`, any field of the same object).",
    ),
    "server.error": ("status", "No request is answered with a 5xx."),
    "transport.complete": ("unreadable", "Every request gets a complete response."),
    "write.applies": (
        "invariant",
        "A create or update answers with the object carrying the values sent (name, metadata, role, ...).",
    ),
    "retrieve.matches": (
        "invariant",
        "Retrieving or listing an object gives what its create or last update returned (fields that are "
        "null, empty or absent count as the same).",
    ),
    "delete.gone": (
        "invariant",
        "A delete answers deleted: true with the object's id, and the object answers 404 afterwards.",
    ),
    "list.complete": (
        "invariant",
        "Paging through a list in either order gives every live object once and no deleted one, and the "
        "two orders are each other's reverse.",
    ),
    "list.has-more": (
        "invariant",
        "has_more is true exactly when another page follows: such a page is full and the next is not empty.",
    ),
    "list.limit": ("invariant", "A page holds at most `limit` items."),
    "list.cursors": (
        "invariant",
        "first_id and last_id are the ids of the page's first and last items (null on an empty page).",
    ),
    "run.lifecycle": (
        "invariant",
        "A run is created queued and its status moves along the lifecycle: queued -> in_progress -> "
        "requires_action | cancelling | a terminal status; tool outputs resume it at queued.",
    ),
    "run.terminal": (
        "invariant",
        "A run polled long enough (a bounded number of polls and seconds) reaches a terminal status or "
        "requires_action.",
    ),
}

FUZZ_RULES: Mapping[str, str] = MappingProxyType({rule: text for rule, (_, text) in _RULES.items()})
"""Every fuzz rule id mapped to its one-line explanation."""


def rule_kind(rule: str) -> Kind:
    """The finding kind of a fuzz rule."""
    return _RULES[rule][0]
