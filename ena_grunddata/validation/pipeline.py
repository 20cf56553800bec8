"""validate(): sources in, Report out. Invalid data gives findings; only unusable input raises."""

from __future__ import annotations

from rdflib import Graph, URIRef

from ..errors import UsageError
from ..load import Limits, Loaded, Origins, load
from ..namespaces import ENA
from ..report import Finding, Report, Severity
from .marking import (claim_near_misses, description_findings, has_grunddata_marker, in_user_terms,
                      mark_intended_domain, undescribed)
from .profiles import load_shapes, load_vocabularies

ENGINES = ("auto", "fast", "pyshacl")  # auto: fast when it covers the shapes, else pyshacl


def validate(sources, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
             fail_on="violation", input_format=None, limits: Limits | None = None) -> Report:
    """Load `sources` (paths, folders, URLs, "-") and validate them against `profiles` (default: all)."""
    from ..description.api import vocabularies_in_use

    check_engine(engine)
    with vocabularies_in_use(vocabularies):  # description files know the codes of --vocabulary files too
        if engine != "pyshacl":
            from .engines.fast_validate import validate_sources

            report = validate_sources(sources, profiles=profiles, shapes=shapes, vocabularies=vocabularies,
                                      domain=domain, engine=engine, fail_on=fail_on, input_format=input_format,
                                      limits=limits)
            if report is not None:  # None: the shapes need pyshacl
                return report
        loaded = load(sources, input_format=input_format, limits=limits)
        return validate_loaded(loaded, profiles=profiles, shapes=shapes, vocabularies=vocabularies,
                               domain=domain, engine=engine, fail_on=fail_on, limits=limits)


def validate_graph(graph: Graph, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
                   fail_on="violation", sources=(), origins: Origins | None = None) -> Report:
    """Validate a graph already in memory."""
    loaded = Loaded(graph=graph, sources=list(sources), origins=origins or Origins())
    return validate_loaded(loaded, profiles=profiles, shapes=shapes, vocabularies=vocabularies, domain=domain,
                           engine=engine, fail_on=fail_on)


def validate_loaded(loaded: Loaded, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
                    fail_on="violation", limits: Limits | None = None) -> Report:
    check_engine(engine)
    vocabulary = load_vocabularies(vocabularies, limits)
    shapes_bundle = load_shapes(profiles, shapes, vocabulary, limits)
    data = Graph()
    # registry facts (ena:…) come only from vocabularies: a catalog must not register its own publisher
    data += (triple for triple in loaded.graph if not str(triple[1]).startswith(str(ENA)))
    data += vocabulary  # vocabularies are background knowledge for SPARQL constraints (never targeted)
    claim_near_misses(data)
    if domain:
        mark_intended_domain(data, domain, vocabulary)
    from .engines import fast_validate, pyshacl_engine

    use_fast, note = fast_validate.choose(engine, shapes_bundle)
    found = None
    if use_fast:
        try:
            found = fast_validate.run(fast_validate.data_from_graph(data), shapes_bundle)
        except fast_validate.fast.Unsupported as error:  # a shape the fast engine meets only at run time
            if engine == "fast":
                raise UsageError(f"the fast engine cannot run these shapes ({error}); use --engine auto or "
                                 "pyshacl") from None
            note = f"pyshacl used for user shapes with {error}"
    if found is None:
        found = pyshacl_engine.run(data, shapes_bundle)
    findings = in_user_terms([locate(f, loaded) for f in found] + description_findings(loaded), loaded)
    return Report(findings=findings, profiles=shapes_bundle.profiles, sources=loaded.sources,
                  fail_on=fail_on, guidance=has_grunddata_marker(loaded.graph) or bool(domain),
                  notes=[note] if note else [], undescribed=undescribed(findings, loaded))


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine '{engine}' (known: {', '.join(ENGINES)})")


def locate(finding: Finding, loaded: Loaded) -> Finding:
    """Name the file and line that describe the finding's focus resource."""
    from rdflib import BNode

    focus = BNode(finding.focus[2:]) if finding.focus.startswith("_:") else URIRef(finding.focus)
    source, line = loaded.origins.locate(focus, loaded.graph)
    if source is None:
        return finding
    return Finding(**{**finding.__dict__, "source": source, "line": line})


__all__ = ["validate", "validate_graph", "Report", "Finding", "Severity"]
