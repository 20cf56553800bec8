"""Fixtures of the hostile-input suite (the helpers themselves live in hostile_support.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/httpserver.py, the shared loopback server

from hostile_support import audit, cli_process, cli_run  # noqa: E402,F401  (pytest fixtures)
