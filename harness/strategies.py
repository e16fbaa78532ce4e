"""Hypothesis strategies for the Assistants API v2, derived from the harness's contract models.

- :func:`requests`: valid requests of any route (bodies and queries within every documented limit,
  limits themselves included); :func:`invalid_requests`: requests that break exactly one documented
  rule, with the parameter the API's 400 names (:class:`InvalidRequest`).
- :func:`responses`: objects valid under their contract (a run, a message page, a stream event ...).
- :func:`stream_events`: legal streamed runs, whose deltas add up to the completed objects.

Importing this module registers the ``dev`` and ``ci`` Hypothesis profiles (see
:func:`harness.fuzz.register_profiles`). See docs/fuzz.md.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Literal, overload

from harness._extras import missing_extra

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as error:  # installed with assistants-harness[fuzz]
    raise missing_extra(error, "harness.strategies") from None
from pydantic import BaseModel

from harness.fuzz import register_profiles
from harness.fuzz._invalid import InvalidRule
from harness.fuzz._requests import GeneratedRequest, InvalidRequest, invalid, valid_requests
from harness.fuzz._responses import response_values
from harness.fuzz._streams import OUTCOMES, STARTS, TOOLS, Outcome, Start, Tool, stream_plans, to_sse

__all__ = [
    "GeneratedRequest",
    "InvalidRequest",
    "InvalidRule",
    "invalid_requests",
    "requests",
    "responses",
    "stream_events",
]

register_profiles()


def requests(
    *, route: str, valid: bool = True, ids: Mapping[str, Sequence[str]] | None = None
) -> st.SearchStrategy[GeneratedRequest]:
    """Requests of ``route``: its JSON body (or multipart form) and query parameters.

    Valid requests keep every rule of the contract: types, ``Literal`` values, string lengths, numeric
    bounds, list and map sizes. Values are small, but each limit is also met exactly now and then (a
    name of 256 characters, metadata with 16 pairs). Optional fields are left out or set, never ``null``.

    Args:
        route: ``METHOD /template`` (``"POST /threads/{thread_id}/runs"``) or the operation
            (``"runs.create"``).
        valid: ``False`` gives :func:`invalid_requests` instead.
        ids: Real ids by kind for fields that name other objects: ``assistant``, ``thread``,
            ``message``, ``run``, ``step``, ``call``, ``file``, ``vector_store``, ``cursor`` (``after`` /
            ``before``). With ``ids``, an optional field of a kind without ids is left out; without
            ``ids``, such fields hold made-up ids (``asst_…``).

    Raises:
        ValueError: An unknown route (the message lists them) or a malformed ``ids``.
    """
    if not isinstance(valid, bool):
        raise ValueError(f"valid must be True or False, got {valid!r}")
    if not valid:
        return invalid_requests(route=route, ids=ids)
    return valid_requests(route, ids)


def invalid_requests(
    *,
    route: str,
    rules: Collection[InvalidRule] | None = None,
    ids: Mapping[str, Sequence[str]] | None = None,
) -> st.SearchStrategy[InvalidRequest]:
    """Requests of ``route`` that break exactly one documented rule, and say which.

    Each is a valid request changed at one place: a required field left out (``missing``), a value of
    another JSON type (``type``), an unknown ``Literal`` value (``enum``), or a limit overstepped by one
    (``max_length``, ``min_length``, ``max_items``, ``min_items``, ``max_properties``,
    ``key_max_length``, ``maximum``, ``minimum``). The API answers each with a 400 whose ``error.param``
    is :attr:`InvalidRequest.param`; the contract checks give one finding of kind
    :attr:`InvalidRequest.kind` at :attr:`InvalidRequest.path`.

    Args:
        route: As for :func:`requests`.
        rules: Only these rules (default: all the route has).
        ids: As for :func:`requests`.

    Raises:
        ValueError: An unknown route, an unknown rule, or a route with no rule to break (one that takes
            neither a body nor a query).
    """
    return invalid(route, rules=rules, ids=ids)


def responses(*, model: type[BaseModel] | str) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects valid under a contract model, as the API sends them.

    Required fields are always there (``null`` where the contract allows it), optional ones now and then;
    a list page's ``first_id`` and ``last_id`` name its first and last items.

    Args:
        model: A contract model class (``harness.contracts.Run``) or its name (``"Run"``).

    Raises:
        ValueError: Not a contract model; the message lists the names.
    """
    return response_values(model)


@overload
def stream_events(
    *,
    tools: Collection[Tool] = ...,
    max_messages: int = ...,
    start: Start | None = ...,
    outcomes: Collection[Outcome] | None = ...,
    wire: Literal[False] = ...,
) -> st.SearchStrategy[list[dict[str, Any]]]: ...


@overload
def stream_events(
    *,
    tools: Collection[Tool] = ...,
    max_messages: int = ...,
    start: Start | None = ...,
    outcomes: Collection[Outcome] | None = ...,
    wire: Literal[True],
) -> st.SearchStrategy[str]: ...


def stream_events(
    *,
    tools: Collection[Tool] = TOOLS,
    max_messages: int = 2,
    start: Start | None = None,
    outcomes: Collection[Outcome] | None = None,
    wire: bool = False,
) -> st.SearchStrategy[list[dict[str, Any]]] | st.SearchStrategy[str]:
    """Streamed runs that the stream grammar accepts (``harness.streams.check_stream`` finds nothing).

    The run goes created → queued → in_progress, through tool steps and messages (each created →
    in_progress → deltas → end, text and arguments cut into deltas that add up to the completed object),
    to its end, then ``done``. Every event's data is valid under its contract.

    Args:
        tools: The tool calls that may appear: ``code_interpreter``, ``file_search`` (steps that
            complete) and ``function`` (the run stops at ``requires_action`` waiting for outputs).
        max_messages: At most this many assistant messages (0..10).
        start: ``run`` (``runs.create``), ``thread`` (``threads.create_and_run``: ``thread.created``
            first) or ``resumed`` (``submit_tool_outputs``: the waiting step completes first); default any.
        outcomes: How the run may end, among ``completed``, ``requires_action`` (needs ``function``),
            ``incomplete``, ``failed``, ``cancelled``, ``expired``; default any possible.
        wire: ``True`` gives the SSE text (``event:``/``data:`` lines) instead of a list of
            ``{"event": name, "data": object}`` dicts.

    Raises:
        ValueError: An unknown tool, start or outcome, ``max_messages`` outside 0..10, or only
            ``requires_action`` without ``function``.
    """
    chosen_tools = _subset("tools", tools, TOOLS)
    if isinstance(max_messages, bool) or not isinstance(max_messages, int) or not 0 <= max_messages <= 10:
        raise ValueError(f"max_messages must be an integer from 0 to 10, got {max_messages!r}")
    if start is not None and start not in STARTS:
        raise ValueError(f"start must be one of {', '.join(STARTS)} or None, got {start!r}")
    chosen_outcomes = _subset("outcomes", outcomes if outcomes is not None else OUTCOMES, OUTCOMES)
    if outcomes is not None and not chosen_outcomes:
        raise ValueError("outcomes must name at least one outcome")
    if "function" not in chosen_tools:
        chosen_outcomes = tuple(outcome for outcome in chosen_outcomes if outcome != "requires_action")
        if not chosen_outcomes:
            raise ValueError(
                "the outcome requires_action needs 'function' in tools: add it, or another outcome"
            )
    strategy = stream_plans(chosen_tools, max_messages, (start,) if start else STARTS, chosen_outcomes)
    if wire:
        return strategy.map(to_sse)
    return strategy


def _subset(name: str, given: Collection[Any], known: tuple[Any, ...]) -> tuple[Any, ...]:
    if isinstance(given, str):
        raise ValueError(f"{name} must be a collection of names, not the string {given!r}: wrap it in a list")
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(f"unknown {name} {unknown}: expected some of {', '.join(known)}")
    return tuple(item for item in known if item in given)
