"""A streamed run as a readable transcript: one line per event, deltas folded into what they build.

Example (ids and clocks normalised, see :mod:`harness.snapshots._normalise`)::

    thread.run.created           run_1 queued
    thread.run.in_progress       run_1 in_progress
    thread.run.step.created      step_1 in_progress message_creation msg_1
    thread.message.created       msg_1 in_progress assistant
    thread.message.delta ×3      msg_1 content[0] += "The answer is 4."
    thread.message.completed     msg_1 completed assistant "The answer is 4."
    thread.run.step.completed    step_1 completed message_creation msg_1 usage 12+5=17
    thread.run.completed         run_1 completed usage 12+5=17
    done

Consecutive delta events of one object become one line (``×N`` counts them) showing the text, code
or function arguments they add up to. The event column has a fixed width so that a change to one
line never realigns the others. Every free text is quoted as a JSON string, so one event stays one
line whatever its text holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from harness.snapshots._normalise import JSONValue, Normaliser
from harness.snapshots._payloads import to_jsonable
from harness.streams._content import MessageContent, StepCalls, as_dict, as_list
from harness.streams._events import RawText, normalise

EVENT_COLUMN = 28
"""Width of the event-name column."""

_MESSAGE_BEGINS = frozenset({"thread.message.created", "thread.message.in_progress"})


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of a stream, its data parsed.

    Attributes:
        event: The event name (``thread.run.created``, ``done`` …).
        data: The parsed data; ``None`` for ``[DONE]``; the raw text when it is not JSON.
        parsed: False when ``data`` is raw text that did not parse as JSON.
    """

    event: str
    data: JSONValue
    parsed: bool = True


@dataclass(frozen=True, slots=True)
class EventSequence:
    """The events of a stream, and the text of an event that was cut off, if any."""

    events: tuple[StreamEvent, ...]
    cut: str | None = None


def read_events(stream: object) -> EventSequence:
    """Read a stream in any of the accepted forms into :class:`StreamEvent` objects.

    The forms are those of :func:`harness.streams.iter_events`, which reads them.

    Raises:
        HarnessError: ``stream`` is none of the accepted forms.
    """
    normalised = normalise(stream)
    return EventSequence(
        tuple(_event(name, data) for name, data in normalised.events),
        normalised.partial if normalised.truncated else None,
    )


def _event(name: str, data: object) -> StreamEvent:
    if isinstance(data, RawText):
        if data.strip() == "[DONE]":
            return StreamEvent(name, None)
        return StreamEvent(name, str(data), parsed=False)
    return StreamEvent(name, to_jsonable(data))


# --- typed access to loosely shaped data -----------------------------------------------------------


def _word(value: object) -> str:
    return value if isinstance(value, str) else ""


# --- folding deltas (harness.streams' folder) -----------------------------------------------------


def _fold_message_deltas(events: list[StreamEvent]) -> MessageContent:
    content = MessageContent()
    for event in events:
        content.apply_delta(as_dict(as_dict(event.data).get("delta")))
    return content


def _fold_step_deltas(events: list[StreamEvent]) -> StepCalls:
    calls = StepCalls()
    for event in events:
        calls.apply_delta(as_dict(as_dict(event.data).get("delta")))
    return calls


class _Renderer:
    """Renders events into lines, asking one :class:`Normaliser` for every id and every text."""

    def __init__(self, normaliser: Normaliser) -> None:
        self.n = normaliser

    # small pieces

    def quote(self, text: str) -> str:
        return json.dumps(self.n.text(text), ensure_ascii=False)

    def ref(self, value: object) -> str:
        return self.n.placeholder(value) if isinstance(value, str) else "?"

    def arguments(self, text: str) -> str:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            return self.quote(text)
        return self.n.text(json.dumps(parsed, ensure_ascii=False))

    def head(self, data: dict[str, JSONValue], *fields: str) -> list[str]:
        words = [self.ref(data["id"])] if "id" in data else []
        words += [self.n.text(value) for key in fields if (value := _word(data.get(key)))]
        return words

    def tail(self, data: dict[str, JSONValue]) -> list[str]:
        words: list[str] = []
        error = as_dict(data.get("last_error"))
        if error:
            code, message = _word(error.get("code")), _word(error.get("message"))
            words.append(f"last_error {self.n.text(code)}: {self.quote(message)}")
        incomplete = as_dict(data.get("incomplete_details"))
        if incomplete:
            words.append(f"incomplete {self.n.text(_word(incomplete.get('reason')))}")
        usage = as_dict(data.get("usage"))
        if usage:
            prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
            words.append(f"usage {prompt}+{completion}={usage.get('total_tokens')}")
        return words

    # objects

    def run(self, data: dict[str, JSONValue]) -> list[str]:
        words = self.head(data, "status")
        action = as_dict(data.get("required_action"))
        kind = _word(action.get("type"))
        calls = as_list(as_dict(action.get(kind)).get("tool_calls"))
        if calls:
            words.append(
                f"{self.n.text(kind)}: " + "; ".join(self.tool_call(as_dict(call)) for call in calls)
            )
        return words + self.tail(data)

    def step(self, data: dict[str, JSONValue]) -> list[str]:
        words = self.head(data, "status", "type")
        details = as_dict(data.get("step_details"))
        message_id = as_dict(details.get("message_creation")).get("message_id")
        if message_id is not None:
            words.append(self.ref(message_id))
        calls = as_list(details.get("tool_calls"))
        if calls:
            words.append("; ".join(self.tool_call(as_dict(call)) for call in calls))
        return words + self.tail(data)

    def tool_call(self, call: dict[str, JSONValue]) -> str:
        kind = _word(call.get("type"))
        body = as_dict(call.get(kind))
        words = [self.ref(call.get("id")), kind]
        if kind == "function":
            name, arguments = _word(body.get("name")), _word(body.get("arguments"))
            words.append(f"{self.n.text(name)}({self.arguments(arguments)})")
            if isinstance(body.get("output"), str):
                words.append(f"-> {self.quote(_word(body.get('output')))}")
        elif kind == "code_interpreter":
            words.append(self.quote(_word(body.get("input"))))
            words += [self.code_output(as_dict(output)) for output in as_list(body.get("outputs"))]
        elif kind == "file_search" and "results" in body:
            count = len(as_list(body.get("results")))
            words.append(f"({count} result{'' if count == 1 else 's'})")
        return " ".join(words)

    def code_output(self, output: dict[str, JSONValue]) -> str:
        if output.get("type") == "logs":
            return f"logs {self.quote(_word(output.get('logs')))}"
        if output.get("type") == "image":
            return f"image {self.ref(as_dict(output.get('image')).get('file_id'))}"
        return self.n.text(_word(output.get("type")))

    def message(self, data: dict[str, JSONValue], *, content: bool) -> list[str]:
        words = self.head(data, "status", "role")
        for raw in as_list(data.get("content")) if content else []:
            part = as_dict(raw)
            kind = _word(part.get("type"))
            body = as_dict(part.get(kind))
            if kind == "text":
                words.append(self.quote(_word(body.get("value"))))
                words += [self.annotation(as_dict(item)) for item in as_list(body.get("annotations"))]
            elif kind == "image_file":
                words.append(f"image_file {self.ref(body.get('file_id'))}")
            elif kind == "image_url":
                words.append(f"image_url {self.quote(_word(body.get('url')))}")
            elif kind == "refusal":
                words.append(f"refusal {self.quote(_word(part.get('refusal')))}")
            else:
                words.append(self.n.text(kind))
        return words + self.tail(data)

    def annotation(self, item: dict[str, JSONValue]) -> str:
        kind = _word(item.get("type"))
        file_id = as_dict(item.get(kind)).get("file_id")
        target = f" {self.ref(file_id)}" if file_id is not None else ""
        return f"[{self.n.text(kind)}{target} {self.quote(_word(item.get('text')))}]"

    # events

    def event(self, event: StreamEvent) -> list[str]:
        if not event.parsed:
            return [f"data {self.quote(_word(event.data))}"]
        data = as_dict(event.data)
        name = event.event
        if name.startswith("thread.run.step."):
            return self.step(data)
        if name.startswith("thread.run."):
            return self.run(data)
        if name.startswith("thread.message."):
            # The content of a message that has only begun is left out: it is empty on the wire, but
            # the SDK fills the created event's message in place as deltas arrive.
            return self.message(data, content=name not in _MESSAGE_BEGINS)
        if name == "error":
            error = as_dict(data.get("error")) or data
            code = _word(error.get("code")) or _word(error.get("type"))
            return [f"{self.n.text(code)}: {self.quote(_word(error.get('message')))}"]
        if event.data is None:
            return []
        return self.head(data, "status")

    def message_deltas(self, events: list[StreamEvent]) -> list[str]:
        words = self.head(as_dict(events[0].data))
        pieces: list[str] = []
        for index, part in sorted(_fold_message_deltas(events).parts.items()):
            kind = part.type or ""
            if kind in ("text", "refusal", "image_url"):
                label = "" if kind == "text" else f" {kind}"
                text = f"content[{index}]{label} += {self.quote(part.text)}"
                count = part.annotation_deltas
                if count:
                    text += f" (+{count} annotation{'s' if count > 1 else ''})"
            else:
                text = " ".join([f"content[{index}]", self.n.text(kind), *map(self.ref, part.files)])
            pieces.append(text)
        return [*words, "; ".join(pieces)]

    def step_deltas(self, events: list[StreamEvent]) -> list[str]:
        words = self.head(as_dict(events[0].data))
        folded = _fold_step_deltas(events)
        if folded.message_id:
            words.append(f"message_creation {self.ref(folded.message_id)}")
        pieces: list[str] = []
        for call in folded.ordered():
            kind = call.type or ""
            text = f"tool_calls[{call.index}] {self.ref(call.id) if call.id else '?'} {self.n.text(kind)}"
            if kind == "function":
                text += f" {self.n.text(call.name or '')} arguments += {self.quote(call.arguments_text)}"
                if call.output is not None:
                    text += f" -> {self.quote(call.output)}"
            elif kind == "code_interpreter":
                text += f" input += {self.quote(call.input_text)}"
                text += "".join(
                    f" {self.code_output(as_dict(call.outputs[number]))}" for number in sorted(call.outputs)
                )
            pieces.append(text)
        if pieces:
            words.append("; ".join(pieces))
        return words


def _line(label: str, words: list[str]) -> str:
    rest = " ".join(word for word in words if word)
    if not rest:
        return label
    return f"{label:<{EVENT_COLUMN}} {rest}" if len(label) < EVENT_COLUMN else f"{label} {rest}"


def _delta_key(event: StreamEvent) -> tuple[str, str] | None:
    if not event.parsed or not event.event.endswith(".delta"):
        return None
    return event.event, _word(as_dict(event.data).get("id"))


def render_transcript(stream: object, *, normaliser: Normaliser | None = None) -> str:
    """Render a stream (any form :func:`read_events` accepts) as a transcript, ending in a newline.

    Args:
        stream: The stream.
        normaliser: Supplies the placeholders and masks; a fresh default one when omitted. Extra
            paths apply to each event as ``{"event": ..., "data": ...}``.

    Raises:
        HarnessError: ``stream`` is not a stream.
    """
    normaliser = normaliser or Normaliser()
    sequence = read_events(stream)
    renderer = _Renderer(normaliser)
    events = [_masked(event, normaliser) for event in sequence.events]
    lines: list[str] = []
    position = 0
    while position < len(events):
        event = events[position]
        key = _delta_key(event)
        if key is None:
            lines.append(_line(event.event, renderer.event(event)))
            position += 1
            continue
        end = position + 1
        while end < len(events) and _delta_key(events[end]) == key:
            end += 1
        run = events[position:end]
        label = f"{event.event} ×{len(run)}"
        if event.event == "thread.message.delta":
            lines.append(_line(label, renderer.message_deltas(run)))
        elif event.event == "thread.run.step.delta":
            lines.append(_line(label, renderer.step_deltas(run)))
        else:
            lines.append(_line(label, renderer.head(as_dict(event.data))))
        position = end
    if sequence.cut is not None:
        lines.append(f"(stream cut off: {renderer.quote(sequence.cut)})")
    if not lines:
        lines.append("(no events)")
    return "\n".join(lines) + "\n"


def _masked(event: StreamEvent, normaliser: Normaliser) -> StreamEvent:
    if not normaliser.extra_paths or not event.parsed:
        return event
    masked = as_dict(normaliser.mask({"event": event.event, "data": event.data}))
    return StreamEvent(event.event, masked.get("data"), parsed=True)
