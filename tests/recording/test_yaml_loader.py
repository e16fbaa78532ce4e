"""The cassette loader's one-walk construction gives exactly what PyYAML's constructor gives.

``harness._yaml.load_yaml`` builds a tree of standard mappings, sequences and scalars in one walk of the
libyaml node graph; everything else goes through the constructor (or the bounded composer). These tests
compare the two paths value for value and type for type — ``repr`` distinguishes ``1``, ``1.0`` and
``True``, text and bytes — on every real recording, on the project's own cassettes and on generated data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from harness._yaml import ALIAS_BUDGET, MAX_DEPTH, UnsafeYamlError, dump_yaml, load_yaml
from tests.real_data import ROOT

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="the one-walk path needs libyaml")


def constructed(text: str | bytes) -> Any:
    """What the general path gives: the bounded composer and the cassette constructor, node by node."""
    from harness._yaml import _CassetteLoader

    loader = _CassetteLoader(text, max(ALIAS_BUDGET, len(text)))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def yaml_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.suffix in (".yaml", ".yml") and path.is_file())


def test_every_real_recording_loads_as_the_constructor_builds_it(real_cassettes: Path) -> None:
    files = yaml_files(real_cassettes)
    assert len(files) > 100
    for path in files:
        text = path.read_bytes()
        assert repr(load_yaml(text)) == repr(constructed(text)), path


def test_every_cassette_of_the_project_loads_as_the_constructor_builds_it() -> None:
    files = [path for folder in ("cassettes", "examples") for path in yaml_files(ROOT / folder)]
    assert len(files) > 10
    for path in files:
        text = path.read_bytes()
        assert repr(load_yaml(text)) == repr(constructed(text)), path


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(max_size=40)
    | st.sampled_from(["yes", "no", "~", "null", "0x1f", "1_000", "1:30", "2024-05-01", ".inf", "=", "<<"])
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), documents, max_size=4))
def test_generated_documents_round_trip_and_match_the_constructor(document: dict[str, Any]) -> None:
    for text in (dump_yaml(document), yaml.safe_dump(document, allow_unicode=True)):
        assert repr(load_yaml(text)) == repr(constructed(text))
    assert load_yaml(dump_yaml(document)) == document


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {x: 1}\nother: *b\n",  # an alias: read by the bounded composer
        "base: &b {x: 1}\nmerged:\n  <<: *b\n  y: 2\n",  # a merge key
        "set: !!set {a, b}\n",
        "'=': 1\n= : 2\n",  # YAML 1.1's value key
        "? [a, b]\n: 1\n",  # an unhashable key: the constructor's own error
        "body: !binary aGVsbG8=\nobject: !ruby/object:Foo {a: 1}\n",
        "when: 2024-05-01T10:00:00Z\nlegacy: !!python/unicode text\n",
        "x: !!binary aGVsbG8=\n",
        "",
    ],
)
def test_documents_outside_the_one_walk_path_load_as_the_constructor_builds_them(text: str) -> None:
    try:
        expected = repr(constructed(text))
    except yaml.YAMLError as error:
        with pytest.raises(yaml.YAMLError) as raised:
            load_yaml(text)
        assert type(raised.value) is type(error)
        return
    assert repr(load_yaml(text)) == expected


def test_nesting_past_the_limit_is_refused_on_the_one_walk_path_too() -> None:
    within = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load_yaml(within) == constructed(within)
    beyond = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    with pytest.raises(UnsafeYamlError, match=f"deeper than {MAX_DEPTH}"):
        load_yaml(beyond)
