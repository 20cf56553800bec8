"""The one validation pipeline: sources in, a Report and the data as validated out.

    sources -> load once -> prepare -> engine -> findings located in their files -> Report (+ the data view)

Every command that validates comes through `run`: `validate` in every output format, `--score`, `--report`,
`score`, the publishing gate of `export`, `publish` and `serve`, and `harvest --validate`. The data is loaded once:
with the fast engine into a pyoxigraph store (pyoxigraph's parsers wherever they read the format, rdflib for
JSON-LD and description files), with the reference engine (pyshacl) into an rdflib graph. Renderers and the score
read the same loaded data through `Validated.data` (validation/view.py), never a second parse.

The preparation steps are the same SPARQL on either form of the data: the grunddata marker, dropping registry
statements a catalog makes about itself, reading near-miss grunddata spellings as the claim they are, the
vocabularies as background, and `--domain`. When the fast engine meets a shape it cannot run only at run time,
the pipeline falls back to pyshacl on the documents already read (with a note), unless `--engine fast` was asked.
Invalid data gives findings; only unusable input raises.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from rdflib import Graph, URIRef

from ..errors import UsageError
from ..load import Document, Limits, Loaded, Origins, load, load_documents, read_inputs
from ..report import Finding, Report, Severity
from .marking import GraphData, description_findings, domain_concept, in_user_terms, prepare, undescribed
from .profiles import load_shapes, load_vocabularies

ENGINES = ("auto", "fast", "pyshacl")  # auto: fast when it covers the shapes, else pyshacl

@dataclass
class Validated:
    """What one run of the pipeline gives: the report, what was loaded (sources, documents, origins) and the data
    as validated, for renderers and the score (an rdflib Graph or a validation.view.StoreView)."""

    report: Report
    loaded: Loaded
    data: object


def run(sources=None, *, documents: list[Document] | None = None, loaded: Loaded | None = None, profiles=None,
        shapes=(), vocabularies=(), domain=None, engine="auto", fail_on="violation", input_format=None,
        limits: Limits | None = None) -> Validated:
    """Validate one input, given as `sources` (paths, folders, URLs, "-"), as `documents` already read, or as a
    `loaded` rdflib graph (harvest, a graph from memory)."""
    from ..description.values import vocabularies_in_use

    check_engine(engine)
    limits = limits or Limits()
    with vocabularies_in_use(vocabularies):  # description files know the codes of --vocabulary files too
        from .engines import fast_validate

        early = None
        if not shapes and not vocabularies and engine != "pyshacl" and loaded is None:
            # Only the shipped shapes and vocabularies: they are read and compiled on a second thread while this
            # one loads the input (pyoxigraph's loader runs beside both without Python's lock; 0.3-0.4 s at any
            # size). A user's shapes or vocabulary files are read here first, under the loader's time budget,
            # which only this thread can enforce.
            from .engines.fast_data import in_background

            if documents is None:
                try:
                    documents = read_inputs(sources, input_format=input_format, limits=limits)
                except Exception:
                    _rules_to_run(profiles, domain, engine, limits)  # a problem with the options is named first
                    raise
            # the input is read beside pyoxigraph's loader by a forked child, forked before any thread starts here
            reading = fast_validate.ReadAhead(documents)
            try:
                ahead = in_background(contextvars.copy_context().run, _rules_to_run, profiles, domain, engine,
                                      limits)
                progress = fast_validate.Progress()
                try:
                    early = (*fast_validate.load_fast(documents=documents, limits=limits, progress=progress,
                                                      ahead=reading), progress)
                except BaseException:
                    progress.done()
                    ahead.result()  # a problem with the options (an unknown --domain) is named first, as before
                    raise
                vocabulary, bundle, concept, (use_fast, note) = ahead.result()
            except BaseException:
                reading.stop()
                raise
        else:
            rules = _rules_to_run(profiles, domain, engine, limits, shapes, vocabularies)
            vocabulary, bundle, concept, (use_fast, note) = rules
            reading = None
        try:
            if use_fast:
                outcome, note = _fast(sources, documents, loaded, vocabulary, concept, bundle, input_format, limits,
                                      engine, early)
            elif early is not None:  # (the shipped shapes always run on the fast engine)
                outcome = _reference(None, early[1].documents, None, vocabulary, concept, bundle, input_format,
                                     limits)
            else:
                outcome = _reference(sources, documents, loaded, vocabulary, concept, bundle, input_format, limits)
        finally:
            if reading is not None:
                reading.stop()  # (its lines were read while the findings were located, or are not needed)
        marked, found, loaded, data = outcome
        findings = in_user_terms(found + description_findings(loaded), loaded)
    report = Report(findings=findings, profiles=bundle.profiles, sources=loaded.sources, fail_on=fail_on,
                    guidance=marked or bool(domain), notes=[note] if note else [],
                    undescribed=undescribed(findings, loaded))
    return Validated(report=report, loaded=loaded, data=data)


def _rules_to_run(profiles, domain, engine, limits, shapes=(), vocabularies=()):
    """(vocabulary, shapes bundle, --domain concept, (use the fast engine?, note)): the shipped ones and the
    user's shapes and vocabulary files."""
    from .engines import fast_validate

    vocabulary = load_vocabularies(vocabularies, limits)
    bundle = load_shapes(profiles, shapes, vocabulary, limits)
    concept = domain_concept(vocabulary, domain) if domain else None
    return vocabulary, bundle, concept, fast_validate.choose(engine, bundle)


def _fast(sources, documents, loaded, vocabulary, concept, bundle, input_format, limits, engine, early=None):
    """(outcome, note): the fast engine's run, or pyshacl's on what was loaded when a shape fails only at run time.
    `early`: (data, loaded, progress) when the input was loaded already."""
    from .engines import fast_validate
    from .view import StoreView

    progress = early[2] if early is not None else fast_validate.Progress()
    try:
        if early is not None:
            data, loaded, _ = early
            where = loaded.origins
        elif loaded is not None and loaded.graph is not None:
            data = fast_validate.data_from_graph(loaded.graph)
            where = None
        else:
            data, loaded = fast_validate.load_fast(sources, documents=documents, input_format=input_format,
                                                   limits=limits, progress=progress)
            where = loaded.origins
        try:
            marked = prepare(data, vocabulary, concept)
        finally:
            fast_validate.confirm_loaded(data)  # input that names the engine's own terms is refused first
        try:
            findings = fast_validate.run(data, bundle, progress=progress, origins=where)
        except (fast_validate.Unsupported, SyntaxError) as error:  # e.g. user SPARQL that oxigraph cannot parse
            if engine == "fast":
                raise UsageError(f"the fast engine cannot run these shapes ({error}); use --engine auto or "
                                 "pyshacl") from None
            # the documents already read go to pyshacl: nothing is read twice (standard input can be read once)
            return (_reference(None, loaded.documents, loaded, vocabulary, concept, bundle, input_format, limits),
                    f"pyshacl used for user shapes with {error}")
    finally:
        progress.done()
    if where is None:  # an rdflib graph came in: its origins know the lines
        return (marked, [locate(f, loaded) for f in findings], loaded, loaded.graph), None
    return (marked, findings, loaded, StoreView(data, data.hidden)), None


def _reference(sources, documents, loaded, vocabulary, concept, bundle, input_format, limits):
    from .engines import pyshacl_engine

    if loaded is None or loaded.graph is None:
        loaded = (load_documents(documents, limits) if documents is not None
                  else load(sources, input_format=input_format, limits=limits))
    data = GraphData(Graph())
    data.graph += loaded.graph
    marked = prepare(data, vocabulary, concept)
    findings = [locate(f, loaded) for f in pyshacl_engine.run(data.graph, bundle)]
    return marked, findings, loaded, loaded.graph


# --------------------------------------------------------------------------------------------- public entry points


def validate(sources, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
             fail_on="violation", input_format=None, limits: Limits | None = None) -> Report:
    """Load `sources` (paths, folders, URLs, "-") and validate them against `profiles` (default: all)."""
    return run(sources, profiles=profiles, shapes=shapes, vocabularies=vocabularies, domain=domain, engine=engine,
               fail_on=fail_on, input_format=input_format, limits=limits).report


def validate_graph(graph: Graph, *, profiles=None, shapes=(), vocabularies=(), domain=None, engine="auto",
                   fail_on="violation", sources=(), origins: Origins | None = None) -> Report:
    """Validate a graph already in memory."""
    loaded = Loaded(graph=graph, sources=list(sources), origins=origins or Origins())
    return run(loaded=loaded, profiles=profiles, shapes=shapes, vocabularies=vocabularies, domain=domain,
               engine=engine, fail_on=fail_on).report


def release_freed_memory() -> None:
    """Hand memory freed by a let-go store back to the system. glibc keeps freed heap pages for reuse by malloc,
    but Python's small objects live in their own arenas, so a report rendered after validation would otherwise
    pile on top of the store's old pages (measured at 25,000 datasets: 540 MB resident after the store was freed,
    200 MB after the trim). Nothing to do on other C libraries."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


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


__all__ = ["run", "Validated", "validate", "validate_graph", "Report", "Finding", "Severity"]
