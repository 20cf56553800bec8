"""Fixtures of the hostile-input suite (the helpers themselves live in hostile_support.py)."""

from hostile_support import cli_process, cli_run, loopback  # noqa: F401  (pytest fixtures)
