"""Shared fixtures: the CLI runner, the reference data in ../shared, and a loopback HTTP server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ena_grunddata.commands.cli import cli

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The official reference data beside the repository; required in CI, skipped elsewhere."""
    if (SHARED / "reference").is_dir():
        return SHARED
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the reference data is missing: {SHARED}/reference")
    pytest.skip(f"reference data not found at {SHARED} (clone the project beside its shared/ folder)")


@pytest.fixture
def run_cli():
    """Run the CLI in-process; returns click's Result with .exit_code, .stdout and .stderr."""
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return run
