"""The bundle oracle: Digg's DCAT-AP-SE 3.0.1 bundle decides what every broken item must give (tests/bundle_oracle.py).

Expected findings come from the bundle alone, never from shapes/: for every Mandatory, Recommended and closed-list
item of the specification, a fully described catalog with only that item broken must give exactly one finding, on
that resource and that property, with the bundle's severity (Mandatory missing -> violation; Recommended missing ->
warning; a value outside a closed list or a fixed value -> violation), and nothing else. Every listed value of every
choice list is accepted.

How property-less groups (Format, License) are read: as Digg's rendered specification and DCAT-AP-SE-Processor read
them, the group is no field; its children are, each with its own cardinality. The Format group says `min: 1`, but its
children are Recommended (`pref: 1`) and the Processor lists distribution dcterms:format and dcterms:license as 0..n,
so a distribution without format or licence gets a warning, not a violation. A choice list beside a free alternative
in such a group (media types, Creative Commons licences) is open: every listed value is accepted, but a value outside
it is not a violation.

The sweep uses the fast engine on all variants at once (each variant's nodes renamed under its own prefix, so one
validation run serves them all); the pyshacl engine runs a sample of them to show that both engines agree. The clean
catalog is checked under both profiles (dcat-ap-se and grunddata) with both engines.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph

from bundle_oracle import AGENT, EX, Oracle, renamed, variant_prefix
from ena_grunddata.validation.pipeline import validate_graph

BUNDLE = Path("reference/dcat-ap-se/spec/bundle-3.0.1.json")
PYSHACL_SAMPLE = 12  # variants run on pyshacl too (spread over the whole sweep)


@pytest.fixture(scope="module")
def oracle(shared_dir: Path) -> Oracle:
    return Oracle(shared_dir / BUNDLE)


def renamed_focus(focus: str, prefix: str) -> str:
    return prefix + ("agent" if focus == str(AGENT) else focus[len(EX):])


def row(finding) -> tuple:
    return (finding.severity.label, finding.focus, finding.path, finding.code)


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_the_fully_described_catalog_is_clean_under_both_profiles(oracle: Oracle, engine: str):
    report = validate_graph(oracle.graph, profiles=["dcat-ap-se", "grunddata"], engine=engine)
    assert [row(f) for f in report.findings] == []


def test_the_sweep_covers_every_mandatory_recommended_and_closed_list_item(oracle: Oracle):
    swept = {(item.container, str(item.prop), kind) for kind, item in oracle.swept_items()}
    for item in oracle.items:
        if item.deprecated:
            continue
        if item.level == "M":
            assert (item.container, str(item.prop), "mandatory") in swept, item.template
        if item.level == "R":
            assert (item.container, str(item.prop), "recommended") in swept, item.template
        if (item.choices and not item.open_choices) or item.value:
            assert (item.container, str(item.prop), "closed list") in swept, item.template
    assert len(swept) >= 100


def sweep(variants, engine: str) -> list[str]:
    """Validate all variants in one graph; the problems (empty when every variant gave exactly its finding)."""
    data = Graph()
    for index, variant in enumerate(variants):
        data += renamed(variant.graph, variant_prefix(index))
    found = defaultdict(list)
    for finding in validate_graph(data, profiles=["dcat-ap-se"], engine=engine).findings:
        index = next((i for i in range(len(variants)) if finding.focus.startswith(variant_prefix(i))), None)
        found[index].append(finding)
    problems = [f"not in any variant: {row(f)}" for f in found.pop(None, [])]
    for index, variant in enumerate(variants):
        expected = (variant.severity, renamed_focus(variant.focus, variant_prefix(index)), variant.path)
        got = [row(f) for f in found.get(index, [])]
        if [g[:3] for g in got] != [expected]:
            problems.append(f"{variant.item} ({variant.kind}): expected exactly {expected}, got {got}")
    return problems


def test_each_broken_item_gives_exactly_its_finding_fast(oracle: Oracle):
    variants = list(oracle.variants())
    assert len(variants) == 115  # 31 Mandatory, 57 Recommended, 27 closed lists (per class and property)
    problems = sweep(variants, "fast")
    assert not problems, "\n".join(problems)


def test_a_sample_of_broken_items_gives_the_same_on_pyshacl(oracle: Oracle):
    variants = list(oracle.variants())
    step = max(1, len(variants) // PYSHACL_SAMPLE)
    sample = variants[::step][:PYSHACL_SAMPLE]
    kinds = {v.kind for v in sample}
    assert kinds == {"mandatory", "recommended", "closed list"}, kinds
    problems = sweep(sample, "pyshacl")
    assert not problems, "\n".join(problems)


def test_every_listed_value_of_every_choice_list_is_accepted(oracle: Oracle):
    cases = list(oracle.accepted_values())
    assert sum(len(values) for _, _, values in cases) > 718  # the bundle's 718 values; some lists serve two classes
    data = Graph()
    for index, (item, focus, values) in enumerate(cases):
        data += renamed(oracle.graph_with(item, focus, values), variant_prefix(index))
    report = validate_graph(data, profiles=["dcat-ap-se"], engine="fast")
    by_index = defaultdict(list)
    for finding in report.findings:
        index = next((i for i in range(len(cases)) if finding.focus.startswith(variant_prefix(i))), None)
        by_index[index].append(row(finding))
    problems = [f"not in any case: {rows}" for rows in [by_index.pop(None, None)] if rows]
    problems += [f"{cases[i][0].template} = {cases[i][2]}: {rows}" for i, rows in sorted(by_index.items())]
    assert not problems, "\n".join(problems)
