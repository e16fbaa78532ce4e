"""Secrets spread across the events of a stream: scrubbed where the deltas build them.

A model that streams a key token by token sends ``"sk-"``, ``"proj-"`` and the rest in consecutive
``thread.message.delta`` events; no single event holds a match. :func:`scrub_stream` joins the pieces
that build one text (per message and content index) or one tool-call argument string (per step and call
index), finds the matches in the whole, and edits every piece that carries part of a match: the piece
where a match starts gets the whole replacement, the others lose their share. The scrubbed pieces
therefore add up to the scrubbed whole, which is what the completed event (scrubbed as a whole) carries.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Patterns = Sequence[tuple[re.Pattern[str], str]]

_CALL_FIELDS = (("function", "arguments"), ("code_interpreter", "input"))
"""For each streamed tool call type: the field its deltas build."""


@dataclass(frozen=True, slots=True)
class _Piece:
    line: int
    holder: dict[str, Any]
    field: str


def scrub_stream(text: str, patterns: Patterns) -> str:
    """``text`` (an SSE body) with secrets split across delta events scrubbed in every piece.

    Events that are not single-line JSON are left alone (the caller scrubs the body as text as well).
    """
    lines = text.splitlines(keepends=True)
    documents: dict[int, dict[str, Any]] = {}
    builds: dict[tuple[str, str, Any], list[_Piece]] = defaultdict(list)
    for number, line in enumerate(lines):
        if not line.startswith("data:") or "delta" not in line:
            continue
        try:
            document = json.loads(line[5:])
        except ValueError:
            continue
        if not isinstance(document, dict):
            continue
        found = _pieces(number, document)
        if found:
            documents[number] = document
        for key, piece in found:
            builds[key].append(piece)
    changed: set[int] = set()
    for pieces in builds.values():
        values = [str(piece.holder[piece.field]) for piece in pieces]
        scrubbed = scrub_pieces(values, patterns)
        for piece, before, after in zip(pieces, values, scrubbed, strict=True):
            if before != after:
                piece.holder[piece.field] = after
                changed.add(piece.line)
    for number in changed:
        line = lines[number]
        payload = line[5:]
        ending = payload[len(payload.rstrip("\r\n")) :]
        lead = " " if payload.startswith(" ") else ""
        lines[number] = (
            "data:" + lead + json.dumps(documents[number], ensure_ascii=False, separators=(",", ":")) + ending
        )
    return "".join(lines)


def _pieces(number: int, document: dict[str, Any]) -> list[tuple[tuple[str, str, Any], _Piece]]:
    found: list[tuple[tuple[str, str, Any], _Piece]] = []
    delta = document.get("delta")
    if not isinstance(delta, dict):
        return found
    owner = str(document.get("id", ""))
    if document.get("object") == "thread.message.delta":
        for block in _dicts(delta.get("content")):
            text = block.get("text")
            if isinstance(text, dict) and isinstance(text.get("value"), str):
                found.append((("text", owner, block.get("index")), _Piece(number, text, "value")))
    elif document.get("object") == "thread.run.step.delta":
        details = delta.get("step_details")
        calls = details.get("tool_calls") if isinstance(details, dict) else None
        for call in _dicts(calls):
            for kind, field in _CALL_FIELDS:
                inner = call.get(kind)
                if isinstance(inner, dict) and isinstance(inner.get(field), str):
                    found.append(((kind, owner, call.get("index")), _Piece(number, inner, field)))
    return found


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def scrub_pieces(values: Sequence[str], patterns: Patterns) -> list[str]:
    """Scrub the text that ``values`` make when joined, editing each piece that carries part of a match.

    ``"".join(result)`` equals the joined text with every pattern substituted in turn.
    """
    pieces = list(values)
    for pattern, replacement in patterns:
        whole = "".join(pieces)
        matches = [match for match in pattern.finditer(whole) if match.end() > match.start()]
        if not matches:
            continue
        edited: list[str] = []
        start = 0
        for piece in pieces:
            end = start + len(piece)
            out: list[str] = []
            position = start
            for match in matches:
                if match.end() <= start or match.start() >= end:
                    continue
                out.append(whole[position : max(match.start(), start)])
                if match.start() >= start:
                    out.append(match.expand(replacement))
                position = min(match.end(), end)
            out.append(whole[position:end])
            edited.append("".join(out))
            start = end
        pieces = edited
    return pieces
