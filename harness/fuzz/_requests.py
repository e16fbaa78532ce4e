"""Request strategies for every route of the contracts: valid ones, and ones that break one rule.

A route's request is its JSON body (or multipart form) and its query parameters, both generated from
the route's contract models. Path parameters (``{thread_id}``) are the caller's:
:meth:`GeneratedRequest.path_for` fills them in.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from harness._findings import Kind
from harness.contracts import ROUTES, Route
from harness.fuzz._hints import ID_KINDS
from harness.fuzz._invalid import INVALID_RULES, RULE_KINDS, Broken, InvalidRule, Site, broken, sites
from harness.fuzz._schema import tree
from harness.fuzz._values import Generation, Mode, value

Ids = Mapping[str, Sequence[str]]
"""Real ids by kind, e.g. ``{"assistant": ["asst_1"], "file": ["file-1"]}``."""


@dataclass(frozen=True, slots=True)
class GeneratedRequest:
    """A generated request of one route.

    Attributes:
        route: The route, ``METHOD /template`` (e.g. ``POST /threads/{thread_id}/runs``).
        body: The JSON body (for a multipart route, the form fields, the file as bytes), or ``None``
            when the route takes no body.
        query: The query parameters; a list value is a repeated parameter (``include[]``).
    """

    route: str
    body: dict[str, Any] | None
    query: dict[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """The HTTP method."""
        return self.route.split(" ", 1)[0]

    @property
    def template(self) -> str:
        """The path template, e.g. ``/threads/{thread_id}/runs``."""
        return self.route.split(" ", 1)[1]

    def path_for(self, **params: str) -> str:
        """The request path with its parameters filled in, e.g. ``path_for(thread_id="thread_1")``.

        Raises:
            ValueError: A path parameter is missing or unknown.
        """
        names = re.findall(r"{(\w+)}", self.template)
        if sorted(names) != sorted(params):
            raise ValueError(
                f"{self.route} takes the path parameters {names}, got {sorted(params)}; pass exactly those"
            )
        return self.template.format(**params)


@dataclass(frozen=True, slots=True)
class InvalidRequest(GeneratedRequest):
    """A request that breaks exactly one documented rule; the API answers it with a 400 naming ``param``.

    Attributes:
        rule: The rule broken (see :data:`harness.strategies.INVALID_RULES`): ``missing``, ``type``,
            ``enum``, ``max_length``, ``min_length``, ``max_items``, ``min_items``, ``max_properties``,
            ``key_max_length``, ``maximum`` or ``minimum``.
        param: The parameter as the API names it in its error (``tools[0].type``, ``metadata``).
        path: Where the contract checks place the finding (``tools.0.type``, ``metadata.<long key>``).
        kind: The kind of that finding: ``missing``, ``type``, ``enum`` or ``limit``.
    """

    rule: InvalidRule = "missing"
    param: str = ""
    path: str = ""
    kind: Kind = "missing"


def find_route(route: str | Route) -> Route:
    """The route named ``METHOD /template`` or by its operation (``runs.create``).

    Raises:
        ValueError: No route has that name; the message lists them all.
    """
    if isinstance(route, Route):
        return route
    if not isinstance(route, str):
        raise ValueError(f"route must be a string like 'POST /threads/{{thread_id}}/runs', got {route!r}")
    wanted = " ".join(route.split())
    for candidate in ROUTES:
        if (
            wanted in (candidate.label, candidate.operation)
            or wanted == f"{candidate.method} /v1{candidate.template}"
        ):
            return candidate
    known = "\n  ".join(f"{r.label}  ({r.operation})" for r in ROUTES)
    raise ValueError(f"unknown route {route!r}: expected one of\n  {known}")


def _ids(ids: Ids | None) -> Mapping[str, tuple[str, ...]] | None:
    if ids is None:
        return None
    if not isinstance(ids, Mapping):
        raise ValueError(f"ids must be a mapping of id kind to ids, got {type(ids).__name__}")
    unknown = sorted(set(ids) - set(ID_KINDS))
    if unknown:
        raise ValueError(f"unknown id kinds {unknown}: expected some of {sorted(ID_KINDS)}")
    checked: dict[str, tuple[str, ...]] = {}
    for kind, values in ids.items():
        if isinstance(values, str) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"ids[{kind!r}] must be a list of id strings, got {values!r}")
        checked[kind] = tuple(values)
    return checked


def _body_mode(route: Route) -> Mode:
    return "form" if route.multipart else "request"


def body_generation(route: Route, ids: Ids | None = None) -> Generation:
    """How the bodies of ``route`` are generated (JSON or a multipart form), with ``ids``."""
    return Generation(_body_mode(route), _ids(ids))


def query_generation(ids: Ids | None = None) -> Generation:
    """How query parameters are generated, with ``ids``."""
    return Generation("query", _ids(ids))


def valid_requests(route: str | Route, ids: Ids | None = None) -> st.SearchStrategy[GeneratedRequest]:
    """Valid requests of ``route``: see :func:`harness.strategies.requests`."""
    found = find_route(route)
    known = _ids(ids)
    body: st.SearchStrategy[Any] = st.none()
    query: st.SearchStrategy[Any] = st.just({})
    if found.request_model is not None:
        body = value(tree(found.request_model), Generation(_body_mode(found), known))
    if found.query_model is not None:
        query = value(tree(found.query_model), Generation("query", known))
    return st.builds(GeneratedRequest, st.just(found.label), body, query)


def rule_sites(route: Route, ids: Ids | None = None) -> list[tuple[str, Site]]:
    """Every breakable rule of a route: ``("body" | "query", site)``."""
    known = _ids(ids)
    found: list[tuple[str, Site]] = []
    if route.request_model is not None:
        found += [("body", s) for s in sites(tree(route.request_model), Generation(_body_mode(route), known))]
    if route.query_model is not None:
        found += [("query", s) for s in sites(tree(route.query_model), Generation("query", known))]
    return found


def invalid(
    route: str | Route, *, rules: Collection[str] | None = None, ids: Ids | None = None
) -> st.SearchStrategy[InvalidRequest]:
    """Requests of ``route`` that break one rule: see :func:`harness.strategies.invalid_requests`."""
    found = find_route(route)
    if rules is not None:
        unknown = sorted(set(rules) - set(INVALID_RULES))
        if isinstance(rules, str) or unknown:
            raise ValueError(f"unknown rules {unknown or rules!r}: expected some of {list(INVALID_RULES)}")
    known = _ids(ids)
    candidates = [(part, s) for part, s in rule_sites(found, ids) if rules is None or s.rule in rules]
    if not candidates:
        what = f"no rule among {sorted(rules)}" if rules is not None else "no body or query with a rule"
        breakable = [r.label for r in ROUTES if rule_sites(r)]
        raise ValueError(f"{found.label} has {what} to break; routes with rules: {', '.join(breakable)}")
    body_gen = Generation(_body_mode(found), known)
    query_gen = Generation("query", known)

    def build(choice: tuple[str, Site]) -> st.SearchStrategy[InvalidRequest]:
        part, site = choice
        if part == "body":
            assert found.request_model is not None
            body_root = tree(found.request_model)
            query = value(tree(found.query_model), query_gen) if found.query_model else st.just({})
            return st.tuples(broken(body_root, site, body_gen), query).map(
                lambda pair: _invalid(found, pair[0], pair[0].body, pair[1])
            )
        assert found.query_model is not None
        body = value(tree(found.request_model), body_gen) if found.request_model else st.none()
        return st.tuples(broken(tree(found.query_model), site, query_gen), body).map(
            lambda pair: _invalid(found, pair[0], pair[1], pair[0].body)
        )

    built: dict[int, st.SearchStrategy[InvalidRequest]] = {}

    def site(number: int) -> st.SearchStrategy[InvalidRequest]:
        if number not in built:
            built[number] = build(candidates[number])
        return built[number]

    return st.sampled_from(range(len(candidates))).flatmap(site)


def _invalid(route: Route, what: Broken, body: Any, query: Any) -> InvalidRequest:
    return InvalidRequest(
        route=route.label,
        body=body,
        query=query,
        rule=what.rule,
        param=what.param,
        path=what.path,
        kind=RULE_KINDS[what.rule],
    )
