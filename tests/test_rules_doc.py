"""docs/rules.md is generated from the shapes: it must list every rule, and be current."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ena_grunddata.namespaces import ENA
from ena_grunddata.validation.rules import render_rules_markdown

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "rules.md"


def test_rules_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render_rules_markdown(), (
        "docs/rules.md is out of date: run `python -m ena_grunddata.validation.rules > docs/rules.md`")


def test_rules_doc_has_a_row_for_every_code_of_every_shapes_file():
    text = render_rules_markdown()
    codes = {str(code) for path in (REPO / "shapes").glob("*.ttl")
             for code in Graph().parse(path, format="turtle").objects(None, ENA.code)}
    assert codes
    missing = sorted(code for code in codes if f"| `{code}` |" not in text)
    assert not missing, missing
    assert text.count("| `") == len(codes)


SOURCE_PREDICATES = (ENA.bundleItem, ENA.diggSource, ENA.requirement)
DIGG_DOCS = Path("reference/dcat-ap-se/docs")


def coded_shapes():
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for shape, code in graph.subject_objects(ENA.code):
            yield graph, shape, str(code)


def bundle_ids(bundle) -> set[str]:
    """Every template id of the bundle, top-level or nested in a group's items."""
    found = set()
    stack = [bundle["templates"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.add(node["id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def test_every_rule_names_its_source():
    missing = [code for graph, shape, code in coded_shapes()
               if not any(graph.value(shape, p) is not None for p in SOURCE_PREDICATES)]
    assert not missing, f"rules without ena:bundleItem, ena:diggSource or ena:requirement: {missing}"


def test_every_cited_bundle_item_exists_in_the_bundle(shared_dir: Path):
    import json

    ids = bundle_ids(json.loads((shared_dir / "reference/dcat-ap-se/spec/bundle-3.0.1.json").read_text("utf-8")))
    assert len(ids) > 150
    cited = {(code, str(item)) for graph, shape, code in coded_shapes() for item in graph.objects(shape, ENA.bundleItem)}
    assert len(cited) > 350
    unknown = sorted((code, item) for code, item in cited if item not in ids)
    assert not unknown, unknown


def test_every_cited_digg_section_exists(shared_dir: Path):
    """ena:diggSource is "<document>.md § <heading>": the heading must be a heading of that document."""
    import re

    problems = []
    for graph, shape, code in coded_shapes():
        for source in graph.objects(shape, ENA.diggSource):
            document, _, heading = str(source).partition(" § ")
            heading = re.sub(r", \d+$", "", heading)  # "…, 1": a numbered point under the heading
            path = shared_dir / DIGG_DOCS / document
            headings = {line.lstrip("#").strip() for line in path.read_text("utf-8").splitlines()
                        if line.startswith("#")} if path.is_file() else set()
            if heading not in headings:
                problems.append(f"{code}: {source}")
    assert not problems, problems


def test_every_cited_framework_requirement_exists(shared_dir: Path):
    import re

    known = set(re.findall(r"\bGD-\d\d[a-z]?\b", (shared_dir / "docs/grunddata.md").read_text("utf-8")))
    cited = {str(r) for graph, shape, code in coded_shapes() for r in graph.objects(shape, ENA.requirement)}
    assert cited and cited <= known, sorted(cited - known)


def test_the_rules_doc_shows_the_source_of_every_rule():
    rows = {line.split("`")[1]: line for line in render_rules_markdown().splitlines() if line.startswith("| `")}
    for graph, shape, code in coded_shapes():
        row = rows[code]
        for item in graph.objects(shape, ENA.bundleItem):
            assert f"bundle `{item}`" in row, code
        for source in graph.objects(shape, ENA.diggSource):
            assert str(source) in row, code


PROSE = REPO / "docs" / "digg-prose.md"


def test_every_code_named_in_the_digg_prose_page_exists():
    import re

    codes = {code for _, _, code in coded_shapes()}
    named = {token for token in re.findall(r"`((?:SE|GD)-[A-Z0-9-]+)`", PROSE.read_text("utf-8"))
             if not token.endswith("-")}
    assert len(named) > 50
    assert named <= codes, sorted(named - codes)


def test_every_digg_section_a_rule_cites_is_read_on_the_prose_page():
    import re

    text = PROSE.read_text("utf-8")
    listed = set()
    document = None
    for line in text.splitlines():
        if line.startswith("## "):
            document = line[3:].strip()
        elif line.startswith("| ") and document and not line.startswith(("| Section", "|---")):
            listed.add(f"{document} § {line.split(' | ')[0][2:].strip()}")
    for graph, shape, code in coded_shapes():
        for source in graph.objects(shape, ENA.diggSource):
            assert re.sub(r", \d+$", "", str(source)) in listed, f"{code}: {source} is not on docs/digg-prose.md"
