"""ena-grunddata: describe, validate, harvest and publish DCAT-AP-SE metadata for Swedish national base data."""

__version__ = "0.1.0"

from .errors import EnaError, InputError, RemoteError, UsageError  # noqa: E402
from .load import Limits, load  # noqa: E402
from .report import Finding, Report, Severity  # noqa: E402
from .validation.pipeline import validate, validate_graph  # noqa: E402

# Imported on first use, so `import ena_grunddata` stays light (no HTTP or server stack). The verbs whose module has
# the same name are reached through their module: `from ena_grunddata.harvest.run import harvest` (likewise publish,
# export, score), because importing a submodule would rebind the package attribute to the module.
_LAZY = {
    "build_description": "description.api",
    "describe_graph": "description.api",
    "description_graph": "description.api",
    "json_schema": "description.api",
    "make_app": "publish.serve",
    "list_domains": "validation.domains",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'ena_grunddata' has no attribute {name!r}")


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
    *_LAZY,
]
