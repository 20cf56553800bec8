"""ena-grunddata: describe, validate, harvest and publish DCAT-AP-SE metadata for Swedish national base data."""

from .version import __version__  # noqa: E402,F401

from .errors import EnaError, InputError, RemoteError, UsageError  # noqa: E402
from .load import Limits, load  # noqa: E402
from .report import Finding, Report, Severity  # noqa: E402
from .validation.pipeline import validate, validate_graph  # noqa: E402
from .load.parse_rdflib import register_description_reader  # noqa: E402


def _read_description(document):
    from .description.api import graph_from_document

    return graph_from_document(document)


# The loader reads description files (YAML/JSON) through the description stage, which plugs itself in here so that
# `load/` never imports a later stage; the stage itself (YAML, JSON Schema) is imported when a description is read.
register_description_reader(_read_description)

# Imported on first use, so `import ena_grunddata` stays light (no HTTP or server stack). The other verbs are reached
# through their modules: `ena_grunddata.harvest.run.harvest`, `ena_grunddata.publish.store.publish`,
# `ena_grunddata.publish.export.export`, `ena_grunddata.validation.score.score`.
_LAZY = {
    "build_description": "description.api",
    "graph_from_document": "description.api",
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
