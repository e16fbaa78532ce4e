"""Stream events: one model per ``event:`` name, ``data`` holding the object it carries.

A streamed run (``stream: true`` on runs create, createAndRun and submit_tool_outputs) is a sequence of
these events; :data:`AssistantStreamEvent` is their union discriminated on ``event``. The stream ends with
``done`` whose data is the text ``[DONE]``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from harness.contracts._models._common import ContractModel, ErrorObject
from harness.contracts._models._messages import Message, MessageDeltaEvent
from harness.contracts._models._runs import Run
from harness.contracts._models._steps import RunStep, RunStepDeltaEvent
from harness.contracts._models._threads import Thread


class ThreadCreated(ContractModel):
    """``thread.created``: a thread was created (createAndRun)."""

    event: Literal["thread.created"]
    data: Thread
    enabled: bool | None = None


class ThreadRunCreated(ContractModel):
    """``thread.run.created``: a run was created."""

    event: Literal["thread.run.created"]
    data: Run


class ThreadRunQueued(ContractModel):
    """``thread.run.queued``: the run is queued."""

    event: Literal["thread.run.queued"]
    data: Run


class ThreadRunInProgress(ContractModel):
    """``thread.run.in_progress``: the run started."""

    event: Literal["thread.run.in_progress"]
    data: Run


class ThreadRunRequiresAction(ContractModel):
    """``thread.run.requires_action``: the run waits for tool outputs."""

    event: Literal["thread.run.requires_action"]
    data: Run


class ThreadRunCompleted(ContractModel):
    """``thread.run.completed``: the run completed."""

    event: Literal["thread.run.completed"]
    data: Run


class ThreadRunIncomplete(ContractModel):
    """``thread.run.incomplete``: the run ended incomplete."""

    event: Literal["thread.run.incomplete"]
    data: Run


class ThreadRunFailed(ContractModel):
    """``thread.run.failed``: the run failed."""

    event: Literal["thread.run.failed"]
    data: Run


class ThreadRunCancelling(ContractModel):
    """``thread.run.cancelling``: the run is being cancelled."""

    event: Literal["thread.run.cancelling"]
    data: Run


class ThreadRunCancelled(ContractModel):
    """``thread.run.cancelled``: the run was cancelled."""

    event: Literal["thread.run.cancelled"]
    data: Run


class ThreadRunExpired(ContractModel):
    """``thread.run.expired``: the run expired."""

    event: Literal["thread.run.expired"]
    data: Run


class ThreadRunStepCreated(ContractModel):
    """``thread.run.step.created``: a run step was created."""

    event: Literal["thread.run.step.created"]
    data: RunStep


class ThreadRunStepInProgress(ContractModel):
    """``thread.run.step.in_progress``: the step started."""

    event: Literal["thread.run.step.in_progress"]
    data: RunStep


class ThreadRunStepDelta(ContractModel):
    """``thread.run.step.delta``: part of a step changed."""

    event: Literal["thread.run.step.delta"]
    data: RunStepDeltaEvent


class ThreadRunStepCompleted(ContractModel):
    """``thread.run.step.completed``: the step completed."""

    event: Literal["thread.run.step.completed"]
    data: RunStep


class ThreadRunStepFailed(ContractModel):
    """``thread.run.step.failed``: the step failed."""

    event: Literal["thread.run.step.failed"]
    data: RunStep


class ThreadRunStepCancelled(ContractModel):
    """``thread.run.step.cancelled``: the step was cancelled."""

    event: Literal["thread.run.step.cancelled"]
    data: RunStep


class ThreadRunStepExpired(ContractModel):
    """``thread.run.step.expired``: the step expired."""

    event: Literal["thread.run.step.expired"]
    data: RunStep


class ThreadMessageCreated(ContractModel):
    """``thread.message.created``: a message was created."""

    event: Literal["thread.message.created"]
    data: Message


class ThreadMessageInProgress(ContractModel):
    """``thread.message.in_progress``: the message is being written."""

    event: Literal["thread.message.in_progress"]
    data: Message


class ThreadMessageDelta(ContractModel):
    """``thread.message.delta``: part of the message changed."""

    event: Literal["thread.message.delta"]
    data: MessageDeltaEvent


class ThreadMessageCompleted(ContractModel):
    """``thread.message.completed``: the message is complete."""

    event: Literal["thread.message.completed"]
    data: Message


class ThreadMessageIncomplete(ContractModel):
    """``thread.message.incomplete``: the message ended incomplete."""

    event: Literal["thread.message.incomplete"]
    data: Message


class ErrorEvent(ContractModel):
    """``error``: the stream failed; ``data`` is an error object."""

    event: Literal["error"]
    data: ErrorObject


class DoneEvent(ContractModel):
    """``done``: the stream ended; ``data`` is the text ``[DONE]``."""

    event: Literal["done"]
    data: Literal["[DONE]"]


AssistantStreamEvent = Annotated[
    ThreadCreated
    | ThreadRunCreated
    | ThreadRunQueued
    | ThreadRunInProgress
    | ThreadRunRequiresAction
    | ThreadRunCompleted
    | ThreadRunIncomplete
    | ThreadRunFailed
    | ThreadRunCancelling
    | ThreadRunCancelled
    | ThreadRunExpired
    | ThreadRunStepCreated
    | ThreadRunStepInProgress
    | ThreadRunStepDelta
    | ThreadRunStepCompleted
    | ThreadRunStepFailed
    | ThreadRunStepCancelled
    | ThreadRunStepExpired
    | ThreadMessageCreated
    | ThreadMessageInProgress
    | ThreadMessageDelta
    | ThreadMessageCompleted
    | ThreadMessageIncomplete
    | ErrorEvent
    | DoneEvent,
    Field(discriminator="event"),
]
"""Any stream event, discriminated on ``event``."""

EVENT_MODELS: dict[str, type[BaseModel]] = {
    "thread.created": ThreadCreated,
    "thread.run.created": ThreadRunCreated,
    "thread.run.queued": ThreadRunQueued,
    "thread.run.in_progress": ThreadRunInProgress,
    "thread.run.requires_action": ThreadRunRequiresAction,
    "thread.run.completed": ThreadRunCompleted,
    "thread.run.incomplete": ThreadRunIncomplete,
    "thread.run.failed": ThreadRunFailed,
    "thread.run.cancelling": ThreadRunCancelling,
    "thread.run.cancelled": ThreadRunCancelled,
    "thread.run.expired": ThreadRunExpired,
    "thread.run.step.created": ThreadRunStepCreated,
    "thread.run.step.in_progress": ThreadRunStepInProgress,
    "thread.run.step.delta": ThreadRunStepDelta,
    "thread.run.step.completed": ThreadRunStepCompleted,
    "thread.run.step.failed": ThreadRunStepFailed,
    "thread.run.step.cancelled": ThreadRunStepCancelled,
    "thread.run.step.expired": ThreadRunStepExpired,
    "thread.message.created": ThreadMessageCreated,
    "thread.message.in_progress": ThreadMessageInProgress,
    "thread.message.delta": ThreadMessageDelta,
    "thread.message.completed": ThreadMessageCompleted,
    "thread.message.incomplete": ThreadMessageIncomplete,
    "error": ErrorEvent,
    "done": DoneEvent,
}
"""Event name -> event model, in the order of the API reference."""
