"""--fail-on: the exit code under each level, reasoned from the severities of the shapes (warning > info)."""

from __future__ import annotations

import pytest

from policy_data import NOTED, SHAPES, TWO_THINGS, write


@pytest.mark.parametrize(("level", "expected"), [("violation", 0), ("warning", 1), ("info", 1)])
def test_a_file_with_only_warnings_and_infos(run_cli, tmp_path, level, expected):
    shapes = write(tmp_path, "shapes.ttl", SHAPES)
    data = write(tmp_path, "things.ttl", TWO_THINGS)
    result = run_cli("validate", "--no-config", "--shapes", shapes, "--fail-on", level, data)
    assert result.exit_code == expected, result.stdout


@pytest.mark.parametrize(("level", "expected"), [("violation", 0), ("warning", 0), ("info", 1)])
def test_a_file_with_only_infos(run_cli, tmp_path, level, expected):
    shapes = write(tmp_path, "shapes.ttl", SHAPES)
    data = write(tmp_path, "noted.ttl", NOTED)
    result = run_cli("validate", "--no-config", "--shapes", shapes, "--fail-on", level, data)
    assert result.exit_code == expected, result.stdout


def test_the_default_threshold_is_violation(run_cli, tmp_path):
    shapes = write(tmp_path, "shapes.ttl", SHAPES)
    data = write(tmp_path, "things.ttl", TWO_THINGS)
    assert run_cli("validate", "--no-config", "--shapes", shapes, data).exit_code == 0
