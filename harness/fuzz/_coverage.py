"""The coverage phase: every documented rule of a route broken once, every limit met once, in order.

Random examples break a given rule only by chance (a route has up to a hundred rules to choose from), so
before them the coverage phase walks the rules of each route deterministically: for every rule site (see
:mod:`harness.fuzz._invalid`) one request with that rule broken, and for every documented limit one valid
request that meets it exactly. Each request is the simplest valid request along the site's path (what
Hypothesis tries first), changed at that place only, so the phase sends the same requests whatever the
seed, and a failure's reproduction is that one request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from harness.contracts import Route
from harness.fuzz._invalid import LIMIT_RULES, RULE_KINDS, Site, broken, met
from harness.fuzz._requests import Ids, InvalidRequest, body_generation, query_generation, rule_sites
from harness.fuzz._schema import tree
from harness.fuzz._values import value

T = TypeVar("T")

_SIMPLEST = settings(
    max_examples=1,
    database=None,
    derandomize=True,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def simplest(strategy: st.SearchStrategy[T]) -> T:
    """The simplest value of ``strategy``: the one Hypothesis tries first, the same on every run."""
    found: list[T] = []

    @_SIMPLEST
    @given(strategy)
    def draw(item: T) -> None:
        found.append(item)

    draw()
    return found[0]


@dataclass(frozen=True, slots=True)
class CoverageCase:
    """One request of the coverage phase: ``expect`` is ``invalid`` (a rule broken) or ``valid``.

    Attributes:
        name: What it covers, e.g. ``max_length name`` or ``max_length name (met)``.
        body: The JSON body or form fields, or ``None``.
        query: The query parameters.
        invalid: For a broken rule, the request as :class:`InvalidRequest` (rule and parameter).
    """

    name: str
    body: Any
    query: dict[str, Any]
    invalid: InvalidRequest | None = None


def coverage_cases(route: Route, ids: Ids, *, valid: bool = True) -> Iterator[CoverageCase]:
    """The coverage requests of ``route``, in the order of its contract tree (lazily: each is drawn
    when it is needed). Without ``valid``, only the broken rules (the limits are not met)."""
    body_gen, query_gen = body_generation(route, ids), query_generation(ids)
    for part, site in rule_sites(route, ids):
        root_model = route.request_model if part == "body" else route.query_model
        assert root_model is not None
        root = tree(root_model)
        gen = body_gen if part == "body" else query_gen
        label = f"{site.rule} {_where(site)}"
        broke = simplest(broken(root, site, gen))
        body, query = _other_part(route, part, broke.body, body_gen, query_gen)
        request = InvalidRequest(
            route=route.label,
            body=body,
            query=query,
            rule=broke.rule,
            param=broke.param,
            path=broke.path,
            kind=RULE_KINDS[broke.rule],
        )
        yield CoverageCase(label, body, query, request)
        if valid and site.rule in LIMIT_RULES:
            body, query = _other_part(route, part, simplest(met(root, site, gen)), body_gen, query_gen)
            yield CoverageCase(f"{label} (met)", body, query)


def _other_part(
    route: Route, part: str, changed: Any, body_gen: Any, query_gen: Any
) -> tuple[Any, dict[str, Any]]:
    """The body and query of a request whose ``part`` is ``changed``: the other part at its simplest."""
    if part == "body":
        query = simplest(value(tree(route.query_model), query_gen)) if route.query_model else {}
        return changed, query
    body = simplest(value(tree(route.request_model), body_gen)) if route.request_model else None
    return body, changed


def _where(site: Site) -> str:
    """The place of a site: ``tools[].function.name``; ``<N>`` names the member of a union."""
    text = ""
    for kind, arg in site.steps:
        if kind == "field":
            text += f".{arg}" if text else str(arg)
        elif kind == "member":
            text += f"<{arg}>"
        else:
            text += "[]" if kind == "item" else "{}"
    return text or "(root)"


def count_cases(route: Route, ids: Ids, *, valid: bool = True) -> int:
    """How many requests :func:`coverage_cases` makes for ``route``."""
    sites = rule_sites(route, ids)
    limits = sum(site.rule in LIMIT_RULES for _, site in sites) if valid else 0
    return len(sites) + limits
