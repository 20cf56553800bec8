"""ena-grunddata: describe, validate, harvest and publish DCAT-AP-SE metadata for Swedish national base data."""

__version__ = "0.1.0"

from .errors import EnaError, InputError, RemoteError, UsageError  # noqa: E402
from .load import Limits, load  # noqa: E402
from .report import Finding, Report, Severity  # noqa: E402
from .validate import validate, validate_graph  # noqa: E402

__all__ = [
    "__version__",
    "validate",
    "validate_graph",
    "load",
    "Limits",
    "Report",
    "Finding",
    "Severity",
    "EnaError",
    "InputError",
    "RemoteError",
    "UsageError",
]
