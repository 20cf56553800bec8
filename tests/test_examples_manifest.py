"""Every example gives exactly the findings its folder's manifest lists: every finding, of every severity.

Each `examples/<area>/manifest.yaml` has this form::

    defaults:                       # optional, applies to every example below
      profiles: [dcat-ap-se]        # profiles to validate with (default: all built-in)
      domain: person                # optional: validate --domain SLUG
    examples:
      valid/smhi.ttl: []            # a file (relative to the manifest) and its expected findings
      invalid/broken.ttl:
        profiles: [grunddata]       # optional, overrides defaults
        sources: [a.ttl, b.ttl]     # optional: validate these files together instead of the key
        findings:
          - [SE-DATASET-TITLE-MISSING, violation, "https://example.se/ds", dcterms:title]
          - {code: SE-AGENT-NAME-LANG, severity: warning, focus: "_:", path: foaf:name, value: "SMHI"}

A finding is `[code, severity, focus, path]` or a mapping with those keys and an optional `value`. `focus`, `path`
and `value` are full IRIs or prefixed names with the project's prefixes (ena_grunddata.namespaces.PREFIXES); `~`
means none; focus `_:` matches any blank node (blank-node labels change from parse to parse). The comparison is of
multisets, so a finding that appears twice must be listed twice. `value` is compared only where it is given.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from ena_grunddata.namespaces import PREFIXES
from ena_grunddata.validation.pipeline import validate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOT_EXAMPLES = {"manifest.yaml", "README.md"}


def manifests() -> list[Path]:
    return sorted(EXAMPLES.glob("*/manifest.yaml"))


def cases():
    for manifest in manifests():
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
        defaults = data.get("defaults") or {}
        for name, spec in (data.get("examples") or {}).items():
            spec = {"findings": spec} if isinstance(spec, list) or spec is None else spec
            yield pytest.param(manifest.parent, name, {**defaults, **spec},
                               id=f"{manifest.parent.name}/{name}")


def expand(term):
    """A prefixed name with one of our prefixes becomes a full IRI; anything else is kept."""
    if term is None or "://" in str(term) or str(term).startswith(("_:", "mailto:", "tel:", "urn:")):
        return None if term is None else str(term)
    prefix, sep, local = str(term).partition(":")
    if sep and prefix in PREFIXES:
        return str(PREFIXES[prefix]) + local
    return str(term)


def expected_key(entry) -> tuple:
    if isinstance(entry, (list, tuple)):
        code, severity, focus, path = (list(entry) + [None] * 4)[:4]
        value = None
    else:
        code, severity, focus = entry["code"], entry["severity"], entry.get("focus")
        path, value = entry.get("path"), entry.get("value")
    return (str(code), str(severity), expand(focus), expand(path)), (expand(value) if value is not None else None)


def actual_key(finding) -> tuple:
    focus = "_:" if finding.focus.startswith("_:") else finding.focus
    return (finding.code, finding.severity.label, focus, finding.path)


def describe(counter: Counter) -> str:
    return "\n".join(f"  {count}× {list(key)}" for key, count in sorted(counter.items(), key=str)) or "  (none)"


@pytest.mark.parametrize(("folder", "name", "spec"), list(cases()))
def test_example_gives_exactly_the_listed_findings(folder: Path, name: str, spec: dict):
    sources = [str(folder / s) for s in spec.get("sources") or [name]]
    report = validate(sources, profiles=spec.get("profiles"), domain=spec.get("domain"))
    expected = [expected_key(e) for e in spec.get("findings") or []]
    missing = Counter(key for key, _ in expected) - Counter(actual_key(f) for f in report.findings)
    unexpected = Counter(actual_key(f) for f in report.findings) - Counter(key for key, _ in expected)
    assert not missing and not unexpected, (
        f"{folder.name}/{name}: findings differ from the manifest\nmissing:\n{describe(missing)}\n"
        f"unexpected:\n{describe(unexpected)}")
    for key, value in expected:
        if value is not None:
            values = [f.value for f in report.findings if actual_key(f) == key]
            assert value in values, f"{key}: expected value {value!r}, got {values!r}"


@pytest.mark.parametrize("manifest", manifests(), ids=lambda p: p.parent.name)
def test_every_example_file_is_in_its_manifest(manifest: Path):
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    listed = set()
    for name, spec in (data.get("examples") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        listed.update(spec.get("sources") or [name])
    files = {str(p.relative_to(manifest.parent)) for p in manifest.parent.rglob("*")
             if p.is_file() and p.name not in NOT_EXAMPLES and p.suffix != ".md"}
    assert files <= listed, f"example files not in {manifest}: {sorted(files - listed)}"
    assert listed <= files, f"{manifest} lists files that do not exist: {sorted(listed - files)}"
