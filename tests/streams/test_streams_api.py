"""The public surface of harness.streams, and its documentation kept in step with the rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import harness.streams
from harness.streams import RULES, check_stream

DOC = Path(__file__).resolve().parents[2] / "docs" / "stream-grammar.md"


def test_public_names_are_pinned() -> None:
    assert harness.streams.__all__ == [
        "RULES",
        "DecodedStream",
        "ObjectSummary",
        "SSEDecoder",
        "SSEEvent",
        "StreamSummary",
        "ToolCallSummary",
        "assert_stream_valid",
        "check_stream",
        "decode_sse",
        "iter_events",
        "reconstruct",
        "split_sse_events",
    ]
    for name in harness.streams.__all__:
        assert getattr(harness.streams, name) is not None


def test_rule_ids_are_stable_looking_and_explained_in_one_line() -> None:
    for rule, explanation in RULES.items():
        assert re.fullmatch(r"[a-z]+(\.[a-z-]+)+", rule), rule
        assert explanation.endswith("."), rule
        assert "\n" not in explanation, rule


def test_rules_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        RULES["stream.truncated"] = "anything"  # type: ignore[index]


def _sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### `([^`]+)`\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_documentation_lists_every_rule_in_order() -> None:
    assert list(_sections()) == list(RULES)


@pytest.mark.parametrize("rule", list(RULES))
def test_the_documented_example_breaks_exactly_its_rule(rule: str) -> None:
    section = _sections()[rule]
    blocks = re.findall(r"```text\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, f"{rule}: expected one example stream"
    # Markdown cannot show the blank line that ends the last event: put it back (but for the cut stream).
    findings = check_stream(blocks[0] + ("\n" if rule != "stream.truncated" else ""))
    assert findings, f"{rule}: the documented example is legal"
    assert {finding.rule for finding in findings} == {rule}, [(f.rule, f.message) for f in findings]


def test_the_documented_legal_stream_collapses_as_documented() -> None:
    collapsed = DOC.read_text(encoding="utf-8").split("## The collapsed view")[1].split("## Rules")[0]
    stream = re.findall(r"```text\n(.*?)```", collapsed, flags=re.DOTALL)[0] + "\n"
    view = re.findall(r"```console\n(.*?)```", collapsed, flags=re.DOTALL)[0]
    assert check_stream(stream) == []
    assert harness.streams.reconstruct(stream).render() + "\n" == view
