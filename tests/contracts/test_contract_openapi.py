"""Cross-check of every contract model with the official OpenAPI document (skipped when it is absent).

For each model and the schema :data:`SPEC_SCHEMAS` pairs it with: the field names, the required fields,
the enum values of each field, whether ``null`` is admitted for a field both require and the numeric
bounds the document states must be equal, except the differences listed (with their reasons) in
``harness/contracts/_deviations.py``. A listed deviation that no longer exists fails too.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pytest
from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

import harness.contracts._models as models
from harness.contracts import EVENT_MODELS
from harness.contracts._deviations import DEVIATIONS, SPEC_SCHEMAS
from harness.contracts._models import ContractModel, ListPage, QueryModel
from tests.real_data import require_real_data

OPENAPI = Path(__file__).resolve().parents[3] / "shared" / "openapi" / "openapi.json"
Difference = tuple[str, str, str]
Bound = tuple[str, float]
"""``(">=", 1)``: a numeric bound, as the OpenAPI document or a model states it."""


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    require_real_data(OPENAPI)
    document: dict[str, Any] = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return document


# --- reading the OpenAPI document ----------------------------------------------------------------------


def _deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _object_branch(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref``, ``allOf`` and nullable ``anyOf``/``oneOf`` to the one object schema inside."""
    node = _deref(spec, node)
    for key in ("anyOf", "oneOf", "allOf"):
        if "properties" not in node and key in node:
            branches = [_deref(spec, b) for b in node[key]]
            objects = [b for b in branches if b.get("type") == "object" or "properties" in b or "$ref" in b]
            if len(objects) == 1:
                return _object_branch(spec, objects[0])
    return node


def _spec_schema(spec: dict[str, Any], pointer: str) -> dict[str, Any]:
    if pointer.startswith("query:"):
        method, path = pointer.removeprefix("query:").split(" ", 1)
        parameters = spec["paths"][path][method.lower()].get("parameters", [])
        query = [p for p in parameters if p.get("in") == "query"]
        return {
            "properties": {p["name"]: p.get("schema", {}) for p in query},
            "required": [p["name"] for p in query if p.get("required")],
        }
    name, *steps = pointer.split(".")
    node = _object_branch(spec, spec["components"]["schemas"][name])
    for step in steps:
        node = _deref(spec, node["properties"][step.removesuffix("[]")])
        if step.endswith("[]"):
            arrays = [_deref(spec, b) for b in node.get("anyOf", node.get("oneOf", [node]))]
            node = next(b for b in arrays if "items" in b)["items"]
        node = _object_branch(spec, node)
    return node


def _spec_enum(spec: dict[str, Any], node: dict[str, Any]) -> frozenset[str] | None:
    """The string values a property admits, or ``None`` when any string (or no string) goes."""
    values: set[str] = set()
    open_string = False

    def visit(item: dict[str, Any]) -> None:
        nonlocal open_string
        item = _deref(spec, item)
        if "enum" in item:
            values.update(v for v in item["enum"] if isinstance(v, str))
        elif "const" in item:
            values.add(item["const"])
        elif item.get("type") == "string":
            open_string = True
        if item.get("type") == "array" and "items" in item:
            visit(item["items"])
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in item.get(key, []):
                branch = _deref(spec, branch)
                if branch.get("type") != "object" and "properties" not in branch:
                    visit(branch)

    visit(node)
    return None if open_string or not values else frozenset(values)


def _spec_nullable(spec: dict[str, Any], node: dict[str, Any]) -> bool:
    """Whether a property admits ``null`` (``nullable: true``, type ``null``, or a null branch)."""
    node = _deref(spec, node)
    kinds = node.get("type")
    if node.get("nullable") is True or kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_spec_nullable(spec, branch) for key in ("anyOf", "oneOf") for branch in node.get(key, []))


_SPEC_BOUNDS = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}


def _spec_bounds(spec: dict[str, Any], node: dict[str, Any]) -> frozenset[Bound]:
    """The numeric bounds of a property (of its number branches, if it is a union)."""
    node = _deref(spec, node)
    bounds = {(symbol, node[key]) for key, symbol in _SPEC_BOUNDS.items() if key in node}
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key, []):
            bounds |= _spec_bounds(spec, branch)
    return frozenset(bounds)


# --- reading the contract models -----------------------------------------------------------------------


def _model_enum(annotation: Any) -> frozenset[str] | None:
    values: set[str] = set()
    open_string = False

    def visit(tp: Any) -> None:
        nonlocal open_string
        origin = get_origin(tp)
        if tp is str:
            open_string = True
        elif origin is not None and getattr(origin, "__name__", "") == "Literal":
            values.update(v for v in get_args(tp) if isinstance(v, str))
        elif (isinstance(tp, type) and issubclass(tp, BaseModel)) or origin is dict:
            return
        else:
            for arg in get_args(tp):
                visit(arg)

    visit(annotation)
    return None if open_string or not values else frozenset(values)


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _model_nullable(annotation: Any) -> bool:
    if annotation is type(None):
        return True
    if get_origin(annotation) is Annotated:
        return _model_nullable(get_args(annotation)[0])
    return _is_union(annotation) and any(_model_nullable(arg) for arg in get_args(annotation))


_MODEL_BOUNDS = {
    annotated_types.Ge: (">=", "ge"),
    annotated_types.Le: ("<=", "le"),
    annotated_types.Gt: (">", "gt"),
    annotated_types.Lt: ("<", "lt"),
}


def _constraint_bounds(constraints: list[Any]) -> set[Bound]:
    bounds: set[Bound] = set()
    for constraint in constraints:
        if isinstance(constraint, FieldInfo):
            bounds |= _constraint_bounds(constraint.metadata)
        for kind, (symbol, attribute) in _MODEL_BOUNDS.items():
            if isinstance(constraint, kind):
                bounds.add((symbol, getattr(constraint, attribute)))
    return bounds


def _model_bounds(info: FieldInfo) -> frozenset[Bound]:
    """The numeric bounds of a field: on the field itself, or on the members of its union."""
    bounds = _constraint_bounds(info.metadata)

    def visit(annotation: Any) -> None:
        nonlocal bounds
        if get_origin(annotation) is Annotated:
            bounds |= _constraint_bounds(list(annotation.__metadata__))
        elif _is_union(annotation):
            for arg in get_args(annotation):
                visit(arg)

    visit(info.annotation)
    return frozenset(bounds)


def _model_fields(model: type[BaseModel]) -> dict[str, Any]:
    fields = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias
        key = info.alias or (alias if isinstance(alias, str) else None)
        if key is None and alias is not None:
            key = str(alias.choices[0])  # type: ignore[union-attr]
        fields[key or name] = info
    return fields


def _differences(spec: dict[str, Any], model: type[BaseModel], node: dict[str, Any]) -> Iterator[Difference]:
    name = model.__name__
    ours = _model_fields(model)
    theirs = node.get("properties", {})
    for key in sorted(set(ours) - set(theirs)):
        yield name, key, "field-only-in-contract"
    for key in sorted(set(theirs) - set(ours)):
        yield name, key, "field-only-in-spec"
    required = {key for key, info in ours.items() if info.is_required()}
    spec_required = set(node.get("required", []))
    for key in sorted(required - spec_required):
        yield name, key, "required-only-in-contract"
    for key in sorted(spec_required - required):
        yield name, key, "required-only-in-spec"
    for key in sorted(set(ours) & set(theirs)):
        if _model_enum(ours[key].annotation) != _spec_enum(spec, theirs[key]):
            yield name, key, "enum"
    for key in sorted(required & spec_required):
        if _model_nullable(ours[key].annotation) != _spec_nullable(spec, theirs[key]):
            yield name, key, "nullable"
    for key in sorted(set(ours) & set(theirs)):
        stated = _spec_bounds(spec, theirs[key])
        if stated and _model_bounds(ours[key]) != stated:
            yield name, key, "limit"


def _event_branches(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    branches = {}
    for group in spec["components"]["schemas"]["AssistantStreamEvent"]["oneOf"]:
        group = _deref(spec, group)
        for branch in group.get("oneOf", [group]):
            branch = _deref(spec, branch)
            branches[branch["properties"]["event"]["enum"][0]] = branch
    return branches


def _all_differences(spec: dict[str, Any]) -> set[Difference]:
    found: set[Difference] = set()
    for model_name, pointer in SPEC_SCHEMAS.items():
        model = getattr(models, model_name)
        found.update(_differences(spec, model, _spec_schema(spec, pointer)))
    branches = _event_branches(spec)
    for event, model in EVENT_MODELS.items():
        found.update(_differences(spec, model, branches[event]))
    return found


# --- tests ---------------------------------------------------------------------------------------------


def test_every_model_is_paired_with_a_spec_schema() -> None:
    contract_models = {
        name
        for name in models.__all__
        if isinstance(getattr(models, name), type)
        and issubclass(getattr(models, name), ContractModel)
        and getattr(models, name) not in (ContractModel, QueryModel, ListPage)
    }
    events = {model.__name__ for model in EVENT_MODELS.values()}
    unpaired = contract_models - set(SPEC_SCHEMAS) - events
    assert not unpaired, f"add these models to SPEC_SCHEMAS in _deviations.py: {sorted(unpaired)}"
    assert set(SPEC_SCHEMAS) <= contract_models


def test_every_event_of_the_spec_has_a_model(spec: dict[str, Any]) -> None:
    assert set(_event_branches(spec)) == set(EVENT_MODELS)


def test_models_match_the_openapi_document_except_listed_deviations(spec: dict[str, Any]) -> None:
    found = _all_differences(spec)
    listed = {(d.model, d.field, d.aspect) for d in DEVIATIONS}
    unlisted = sorted(found - listed)
    stale = sorted(listed - found)
    assert not unlisted, (
        "contract models differ from the OpenAPI document; fix the model or add a Deviation with its "
        f"reason to harness/contracts/_deviations.py: {unlisted}"
    )
    assert not stale, f"these deviations no longer exist; remove them from _deviations.py: {stale}"


def test_every_deviation_gives_a_reason() -> None:
    for deviation in DEVIATIONS:
        assert len(deviation.reason) > 30, deviation
    keys = [(d.model, d.field, d.aspect) for d in DEVIATIONS]
    assert len(keys) == len(set(keys)), "a deviation is listed twice"


def test_the_cross_check_sees_differences(spec: dict[str, Any]) -> None:
    class Broken(ContractModel):
        id: str | None
        object: Literal["thread", "threads"]
        created_at: int | None = None
        metadata: dict[str, str] | None
        colour: str

    found = set(_differences(spec, Broken, _spec_schema(spec, "ThreadObject")))
    assert found == {
        ("Broken", "colour", "field-only-in-contract"),
        ("Broken", "colour", "required-only-in-contract"),
        ("Broken", "tool_resources", "field-only-in-spec"),
        ("Broken", "tool_resources", "required-only-in-spec"),
        ("Broken", "created_at", "required-only-in-spec"),
        ("Broken", "object", "enum"),
        ("Broken", "id", "nullable"),
    }


def test_the_cross_check_sees_numeric_bounds(spec: dict[str, Any]) -> None:
    class Loose(ContractModel):
        max_prompt_tokens: int | None = None
        max_completion_tokens: Annotated[int, Field(ge=256)] | None = None
        temperature: Annotated[float, Field(ge=0, le=3)] | None = None

    found = set(_differences(spec, Loose, _spec_schema(spec, "CreateRunRequest")))
    assert {(field, aspect) for _, field, aspect in found if aspect == "limit"} == {
        ("max_prompt_tokens", "limit"),
        ("temperature", "limit"),
    }
