"""The reference engine: pyshacl, given our own shapes graph (never shapes from the data) and no imports."""

from __future__ import annotations

import functools
import logging

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from ...errors import UsageError
from ...load import no_network
from ...report import Finding, term_text
from ..profiles import Shapes

NAME = "pyshacl"
# pyshacl logs its own errors (several lines, with a link) to stderr before raising them; the raised error
# becomes our one line instead. make_default_logger resets level and handlers on every call, not `disabled`.
logging.getLogger("pyshacl-validate").disabled = True


def run(data: Graph, shapes: Shapes) -> list[Finding]:
    try:
        results = _validate(data, shapes)
    except Exception as error:  # with shapes of the user's own, what they cause is theirs to fix: one line
        if not shapes.user_files:
            raise
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise UsageError(f"the shapes cannot be run (check their SHACL and SPARQL): {first}",
                         where=", ".join(shapes.user_files)) from None
    return [finding_from_result(results, result, shapes) for result in results.objects(None, SH.result)]


def _validate(data: Graph, shapes: Shapes) -> Graph:
    import pyshacl  # on first use: the fast engine runs without it (a tenth of a second of start-up)

    with no_network():
        _, results, _ = pyshacl.validate(
            PreparedQueries(data),
            shacl_graph=shapes.graph,
            inference="none",
            advanced=True,  # SPARQL targets and constraints in our shapes
            allow_warnings=True,
            allow_infos=True,
            do_owl_imports=False,
            meta_shacl=False,
            js=False,
            inplace=True,  # the data graph is our own merged copy
        )
    return results


class PreparedQueries(Graph):
    """The data graph as pyshacl sees it (the same store, no copy), with each SPARQL text parsed once.

    pyshacl sends a SPARQL-based constraint's text again for every focus node, with only the bindings changed, and
    rdflib parses every text it is given, so a constraint on 1,000 datasets was parsed 1,000 times: about two thirds
    of a run went to rdflib's parser (measured on 60 generated datasets: 17.6 s, now 3.1 s). rdflib's prepared
    queries (`prepareQuery`, then `query` with `initBindings`) are its documented way to run one text many times."""

    def __init__(self, graph: Graph):
        super().__init__(store=graph.store, identifier=graph.identifier, namespace_manager=graph.namespace_manager)

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,  # noqa: N803
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str):
            namespaces = tuple(sorted((initNs or dict(self.namespaces())).items()))
            query_object = prepared(query_object, namespaces, kwargs.get("base"))
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


@functools.lru_cache(maxsize=4096)
def prepared(text: str, namespaces: tuple, base: str | None):
    """One parse per query text (and prefixes), across runs: the built-in shapes send the same texts every time."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces), base=base)


def finding_from_result(results: Graph, result, shapes: Shapes) -> Finding:
    shape = results.value(result, SH.sourceShape)
    component = results.value(result, SH.sourceConstraintComponent)
    messages = {}
    for message in results.objects(result, SH.resultMessage):
        lang = message.language if isinstance(message, Literal) and message.language else ""
        messages.setdefault(lang, str(message))
    if "" in messages and shape is not None:
        # pyshacl drops the language tag of a SPARQL-based constraint's message: take the tagged ones from the shape.
        tagged = {m.language: str(m) for m in shapes.graph.objects(shape, SH.message)
                  if isinstance(m, Literal) and m.language}
        messages = tagged or messages
    path = results.value(result, SH.resultPath)
    return Finding(
        code=code_for(shapes, shape, component),
        severity=results.value(result, SH.resultSeverity),
        focus=term_text(results.value(result, SH.focusNode)),
        path=path_text(results, path) if path is not None else None,
        value=term_text(results.value(result, SH.value)),
        messages=messages,
        shape=term_text(shape),
        component=str(component) if component is not None else None,
    )


def code_for(shapes: Shapes, shape, component) -> str:
    """The shape's ena:code; user shapes without one get a readable stand-in."""
    code = shapes.code_of(shape) if shape is not None else None
    if code:
        return code
    if shape is not None and not str(term_text(shape)).startswith("_:"):
        local = str(shape).rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if local:
            return local
    name = str(component).rsplit("#", 1)[-1] if component is not None else "Constraint"
    return "SHACL-" + name.removesuffix("ConstraintComponent")


def path_text(graph: Graph, path) -> str:
    """A SHACL property path as text: a plain IRI, or SPARQL path syntax with full IRIs in <>."""
    return str(path) if isinstance(path, URIRef) else sparql_path(graph, path)


def sparql_path(graph: Graph, path) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + sparql_path(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(sparql_path(graph, item) for item in Collection(graph, alternatives)) + ")"
    for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return "(" + sparql_path(graph, inner) + ")" + suffix
    if graph.value(path, RDF.first) is not None:
        return "/".join(sparql_path(graph, item) for item in Collection(graph, path))
    return term_text(path)
