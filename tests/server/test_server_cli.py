"""``harness serve``: its options and their validation."""

from __future__ import annotations

import pytest

from harness.cli import build_parser, main


def test_serve_options_parse() -> None:
    args = build_parser().parse_args(
        ["serve", "--port", "0", "--seed", "3", "--api-key", "k", "--clock", "real", "--fault", "500;times=1"]
    )
    assert (args.host, args.port, args.seed, args.api_key, args.clock, args.fault) == (
        "127.0.0.1",
        0,
        3,
        "k",
        "real",
        "500;times=1",
    )


def test_bad_fault_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--fault", "explode"]) == 2
    assert "invalid fault item 'explode'" in capsys.readouterr().err


def test_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port must be between 0 and 65535" in capsys.readouterr().err
