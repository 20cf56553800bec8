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
