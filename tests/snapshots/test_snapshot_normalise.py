"""Normalisation: placeholders, clocks, extra masks, and its two properties (idempotent, rename-blind)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import HarnessError
from harness.snapshots import JSONValue, Normaliser, normalise

# --- examples --------------------------------------------------------------------------------------


def test_ids_become_placeholders_by_prefix_and_order_of_first_appearance() -> None:
    value = {
        "assistant_id": "asst_Zq81",
        "id": "run_b7X",
        "thread_id": "thread_Q9",
        "step_ids": ["step_a1", "step_B2", "step_a1"],
        "file_ids": ["file-Kk3", "file-Jj4"],
        "vector_store_ids": ["vs_0ab1"],
        "batch": {"id": "vsfb_9ff0"},
        "x-request-id": "req_5c0ffee",
        "call": {"id": "call_Tt1"},
        "message": {"id": "msg_M0"},
    }
    assert normalise(value) == {
        "assistant_id": "asst_1",
        "batch": {"id": "vsfb_1"},
        "call": {"id": "call_1"},
        "file_ids": ["file_1", "file_2"],
        "id": "run_1",
        "message": {"id": "msg_1"},
        "step_ids": ["step_1", "step_2", "step_1"],
        "thread_id": "thread_1",
        "vector_store_ids": ["vs_1"],
        "x-request-id": "req_1",
    }


def test_one_id_has_one_placeholder_in_bodies_urls_and_messages() -> None:
    value = {
        "request": {"url": "https://api.example/v1/threads/thread_abc/runs/run_7Hk?after=msg_x1y"},
        "response": {"error": {"message": "No thread found with id 'thread_abc'.", "code": None}},
        "thread_id": "thread_abc",
        "unrelated": "thread_DEF9 is not thread_abc",
    }
    result = normalise(value)
    assert result == {
        "unrelated": "thread_2 is not thread_1",
        "request": {"url": "https://api.example/v1/threads/thread_1/runs/run_1?after=msg_1"},
        "response": {"error": {"code": None, "message": "No thread found with id 'thread_1'."}},
        "thread_id": "thread_1",
    }


def test_field_names_and_words_after_a_prefix_are_not_ids() -> None:
    value = {
        "tools": [{"type": "file_search"}, {"type": "code_interpreter"}],
        "error": {"message": "Missing required parameter: 'thread_id'.", "param": "step_details"},
        "text": "see file_citation and run_steps; call_me maybe",
    }
    assert normalise(value) == value


def test_any_id_shaped_value_of_an_id_field_is_replaced_whatever_its_prefix() -> None:
    value = {"organization": {"id": "org-AbC123"}, "note": "billed to org-AbC123", "id": "plain"}
    assert normalise(value) == {"id": "plain", "note": "billed to org_1", "organization": {"id": "org_1"}}


def test_timestamps_and_durations_are_masked_and_usage_is_kept() -> None:
    value = {
        "created_at": 1_761_861_531,
        "last_active_at": 1_761_861_532.5,
        "completed_at": None,
        "flagged_at": True,
        "processing_ms": 259,
        "usage": {"prompt_tokens": 284, "completion_tokens": 42, "total_tokens": 326},
        "expires_after": {"anchor": "last_active_at", "days": 7},
    }
    assert normalise(value) == {
        "completed_at": None,
        "created_at": "<timestamp>",
        "expires_after": {"anchor": "last_active_at", "days": 7},
        "flagged_at": True,
        "last_active_at": "<timestamp>",
        "processing_ms": "<duration>",
        "usage": {"completion_tokens": 42, "prompt_tokens": 284, "total_tokens": 326},
    }


def test_extra_paths_mask_with_wildcards() -> None:
    value = {
        "data": [{"model": "gpt-4o", "usage": {"prompt_tokens": 3, "total_tokens": 4}}, {"model": "gpt-4.1"}],
        "deep": {"a": {"b": {"secret": "x"}}},
        "model": "kept",
    }
    result = normalise(value, extra_paths=("data.*.model", "data.0.usage.prompt_*", "**.secret"))
    assert result == {
        "data": [
            {"model": "<masked>", "usage": {"prompt_tokens": "<masked>", "total_tokens": 4}},
            {"model": "<masked>"},
        ],
        "deep": {"a": {"b": {"secret": "<masked>"}}},
        "model": "kept",
    }


def test_extra_patterns_mask_text_after_ids_are_replaced() -> None:
    value = {"id": "asst_Q1", "instructions": "Use gpt-4o-mini for asst_Q1.", "n": "sk-abcdef123456"}
    result = normalise(value, extra_patterns=(r"gpt-[\w.-]+", re.compile(r"sk-\w+")))
    assert result == {"id": "asst_1", "instructions": "Use <masked> for asst_1.", "n": "<masked>"}


def test_one_normaliser_shares_its_table_across_calls() -> None:
    normaliser = Normaliser()
    first = normaliser.normalise({"id": "msg_One1"})
    second = normaliser.normalise({"id": "msg_Two2", "previous": "msg_One1"})
    assert (first, second) == ({"id": "msg_1"}, {"id": "msg_2", "previous": "msg_1"})
    assert normaliser.placeholders == {"msg_One1": "msg_1", "msg_Two2": "msg_2"}
    assert normaliser.fresh().normalise({"id": "msg_Two2"}) == {"id": "msg_1"}


def test_keys_come_out_sorted() -> None:
    assert list(normalise({"b": 1, "a": {"d": 2, "c": 3}})) == ["a", "b"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"extra_paths": "data.model"}, "not one string"),
        ({"extra_paths": ("data..model",)}, "empty segment"),
        ({"extra_patterns": ("(unclosed",)}, "not a valid regular expression"),
    ],
)
def test_bad_configuration_says_how_to_fix_it(arguments: dict[str, Any], expected: str) -> None:
    with pytest.raises(HarnessError, match=expected):
        Normaliser(**arguments)


# --- properties ------------------------------------------------------------------------------------

PREFIXES = ("asst_", "thread_", "run_", "msg_", "step_", "call_", "file-", "vs_", "vsfb_", "req_", "org-")
ALNUM = string.ascii_letters + string.digits
# Free text without '_' or '-', so that it never forms an id by itself.
PLAIN_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,:;!?'/()[]{}é漢", max_size=12)
KEYS = st.sampled_from(
    ["id", "thread_id", "file_ids", "created_at", "text", "url", "name", "status", "metadata", "value"]
) | st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6)


@dataclass(frozen=True)
class Slot:
    """Where an id goes in a template, and how it is written there."""

    index: int
    form: str


def id_bodies(count: int) -> st.SearchStrategy[list[str]]:
    body = st.text(alphabet=ALNUM, min_size=4, max_size=24).filter(lambda b: any(c.isdigit() for c in b))
    return st.lists(body, min_size=count, max_size=count, unique=True)


def templates(slots: int) -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | PLAIN_TEXT
    )
    slot = st.builds(Slot, st.integers(0, slots - 1), st.sampled_from(["bare", "url", "sentence"]))
    return st.recursive(
        st.one_of(slot, slot, scalars),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
        max_leaves=20,
    )


def materialise(template: Any, ids: list[str]) -> JSONValue:
    if isinstance(template, Slot):
        raw = ids[template.index]
        return {"bare": raw, "url": f"/v1/things/{raw}/items", "sentence": f"No object with id '{raw}'."}[
            template.form
        ]
    if isinstance(template, dict):
        return {key: materialise(child, ids) for key, child in template.items()}
    if isinstance(template, list):
        return [materialise(child, ids) for child in template]
    return template  # type: ignore[no-any-return]


@st.composite
def renamed_pairs(draw: st.DrawFn) -> tuple[JSONValue, JSONValue]:
    """One template filled with two different sets of ids (a bijection between them)."""
    prefixes = draw(st.lists(st.sampled_from(PREFIXES), min_size=1, max_size=6))
    template = draw(templates(len(prefixes)))
    first = [prefix + body for prefix, body in zip(prefixes, draw(id_bodies(len(prefixes))), strict=True)]
    second = [prefix + body for prefix, body in zip(prefixes, draw(id_bodies(len(prefixes))), strict=True)]
    # Each id also appears in an id field, as in real payloads, so that ids of any prefix are known.
    return (
        {"payload": materialise(template, first), "refs": [{"id": raw} for raw in first]},
        {"payload": materialise(template, second), "refs": [{"id": raw} for raw in second]},
    )


# Short id-shaped words of a few prefixes, so that unrelated values often share a prefix.
ID_WORDS = st.builds(
    "{}{}".format,
    st.sampled_from(["asst_", "msg_", "file-", "file_", "org-", "thread_"]),
    st.text(alphabet=ALNUM, min_size=1, max_size=3),
)
ANY_TEXT = (
    st.text(max_size=20) | ID_WORDS | st.builds("{} {}/{}".format, st.text(max_size=4), ID_WORDS, ID_WORDS)
)
ANY_JSON: st.SearchStrategy[JSONValue] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


@given(renamed_pairs())
def test_renaming_ids_consistently_does_not_change_the_normalised_value(
    pair: tuple[JSONValue, JSONValue],
) -> None:
    first, second = pair
    assert normalise(first) == normalise(second)


@given(renamed_pairs())
def test_normalising_payloads_with_ids_is_idempotent(pair: tuple[JSONValue, JSONValue]) -> None:
    once = normalise(pair[0])
    assert normalise(once) == once


@given(ANY_JSON)
def test_normalising_any_json_is_idempotent(value: JSONValue) -> None:
    once = normalise(value)
    assert normalise(once) == once


@given(ANY_JSON)
def test_normalising_with_extra_masks_is_idempotent(value: JSONValue) -> None:
    options: dict[str, Any] = {"extra_paths": ("**.value", "*.0"), "extra_patterns": (r"[0-9]{3,}",)}
    once = normalise(value, **options)
    assert normalise(once, **options) == once
