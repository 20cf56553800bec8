"""SARIF 2.1.0: findings as code-scanning results, so code hosts annotate the offending line.

One run, one tool (`ena-grunddata`), one reporting descriptor per finding code (from the shapes: message, rationale,
default severity, profile), one result per finding with a physical location (file relative to the working
directory, start line of the property inside the resource's block where we can find it) and a logical location
(the resource IRI).
"""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring as _string  # ensure_ascii=False, as compact_json
from itertools import chain

from .. import __version__
from .context import ReportContext
from .formats import EncodedJSON, compact_json, json_chunks
from .halves import in_two
from ..report import Finding, Report, Severity

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://w3id.org/ena-grunddata"
LEVEL = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(report: Report, *, lang: str = "en", max_findings=None, context: ReportContext | None = None) -> str:
    """`max_findings` is ignored: CI annotations need every result."""
    return "".join(sarif_chunks(report, lang=lang, context=context))


def sarif_chunks(report: Report, *, lang: str = "en", max_findings=None, context: ReportContext | None = None):
    """render_sarif's text, piece by piece (formats.render_chunks): one result at a time."""
    context = context or ReportContext()
    # code -> its first finding (suppressed ones too: results with SARIF `suppressions`), the rule's fallback
    # metadata for codes the shapes do not describe; found in one pass (not one pass over every finding per code)
    first: dict[str, Finding] = {}
    for finding in chain(report.findings, report.suppressed):
        first.setdefault(finding.code, finding)
    codes = sorted(first)  # only rules with results: keeps the upload small
    index = {code: number for number, code in enumerate(codes)}
    fingerprints = Fingerprints()
    run = {
        "tool": {"driver": {
            "name": "ena-grunddata",
            "version": __version__,
            "informationUri": INFORMATION_URI,
            "language": lang,
            "rules": [descriptor(context.rule(first[code]), lang) for code in codes],
        }},
        "columnKind": "unicodeCodePoints",
        "results": results(report, index, lang, context, fingerprints),
        "properties": {"profiles": list(report.profiles), "failOn": report.fail_on.label,
                       "conforms": report.conforms, "summary": report.summary},
    }
    sources = [context.uri_of(s) for s in report.sources]
    artifacts = [{"location": {"uri": uri}} for uri in sources if uri]
    if artifacts:
        run["artifacts"] = artifacts
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json_chunks(document)


def results(report: Report, index: dict, lang: str, context: ReportContext, fingerprints: "Fingerprints"):
    """The results, written one at a time; at national scale by two processes at once (render/halves.py)."""
    def make(finding):
        return result(finding, index[finding.code], lang, context, fingerprints)

    if isinstance(report.findings, list):  # (spilled findings are read from disk one at a time)
        return in_two([*report.findings, *report.suppressed], make, ",\n", wrap=EncodedJSON,
                      counted=fingerprints.passed)
    return map(make, chain(report.findings, report.suppressed))


def descriptor(rule, lang: str) -> dict:
    message = rule.message(lang)
    help_text = f"{message}\n\n{rule.comment}".strip() if rule.comment else message
    entry = {
        "id": rule.code,
        "shortDescription": {"text": message},
        "fullDescription": {"text": rule.comment or message},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"profile": rule.profile, "tags": [rule.profile]},
    }
    return entry


def result(finding: Finding, rule_index: int, lang: str, context: ReportContext,
           fingerprints=None) -> EncodedJSON:
    """One result, written as the compact JSON of
    {"ruleId", "ruleIndex", "level", "message": {"text"}, "locations": [location], "partialFingerprints":
    {"enaFinding/v1"}, "properties": {"focus", "path", "value"[, "key"][, "causedBy"]}[, "suppressions"]}:
    a national report has hundreds of thousands, and a dict each, encoded on its own, cost twice the text.
    `fingerprints`: the run's Fingerprints (alone, a result is fingerprinted on its own)."""
    properties = f'"focus":{_json(finding.focus)},"path":{_json(finding.path)},"value":{_json(finding.value)}'
    if finding.key_name:
        properties += f',"key":{_json(finding.key_name)}'
    if finding.cause:  # fix the cause first: code hosts list results in this order
        properties += f',"causedBy":{_json(finding.caused_by)}'
    mark = (fingerprints or fingerprint)(finding)
    text = (f'{{"ruleId":{_json(finding.code)},"ruleIndex":{rule_index},"level":"{LEVEL[finding.severity]}",'
            f'"message":{{"text":{_json(finding.message(lang))}}},"locations":[{location(finding, context)}],'
            f'"partialFingerprints":{{"enaFinding/v1":"{mark}"}},"properties":{{{properties}}}')
    if finding.suppressed_by:
        from .suppressed import sarif_suppressions

        text += f',"suppressions":{compact_json(sarif_suppressions(finding))}'
    return EncodedJSON(text + "}")


def location(finding: Finding, context: ReportContext) -> str:
    """{"logicalLocations": [{"fullyQualifiedName", "kind"}][, "physicalLocation": {"artifactLocation": {"uri"},
    "region": {"startLine"}}]} as compact JSON."""
    place = f'{{"logicalLocations":[{{"fullyQualifiedName":{_json(finding.focus)},"kind":"resource"}}]'
    uri = context.uri_of(finding.source)
    if uri:
        # Code hosts want a line; when the resource's line is unknown, the file's first line stands in.
        line = context.line_of(finding) or 1
        place += f',"physicalLocation":{{"artifactLocation":{{"uri":{_json(uri)}}},"region":{{"startLine":{line}}}}}'
    return place + "}"


def _json(value) -> str:
    """A value as compact_json writes it; strings (nearly all) through the same C escaper, without an encoder."""
    if type(value) is str:
        return _string(value)
    return "null" if value is None else compact_json(value)


def fingerprint(finding: Finding) -> str:
    """Stable across runs and line moves: the same problem keeps its identity in the code host.

    A blank node's label is made up anew by the parser on every run, so it cannot be part of the identity: a
    finding about a blank node (or with one as its value) is known by where it is described instead, the file and
    line of the resource that refers to it (stable from run to run; a line move gives it a new identity)."""
    return digest(identity(finding))


def identity(finding: Finding) -> str:
    """What a fingerprint is the digest of: the finding's key, blank nodes known by where they are described."""
    code, severity, focus, path, value = finding.key()
    if focus.startswith("_:"):
        focus = f"_:{finding.source}:{finding.line}"
    if value is not None and value.startswith("_:"):
        value = "_:"
    return f"{code}\x1f{severity}\x1f{focus}\x1f{path}\x1f{value}"


def digest(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


class Fingerprints:
    """Each result's fingerprint, unique within the run: two findings that only their blank nodes' labels tell
    apart (two contact points of one dataset, both without an e-mail address) get the same fingerprint; the second
    and later get a number in report order. Which of them is first does not matter: they say the same."""

    def __init__(self):
        self.seen: dict[str, int] = {}  # identity -> how many results had it so far

    def __call__(self, finding: Finding) -> str:
        key = identity(finding)
        count = self.seen.get(key, 0)
        self.seen[key] = count + 1
        base = digest(key)
        return base if not count else f"{base}-{count}"

    def passed(self, findings) -> None:
        """Count `findings` as written (by another process: render/halves.py) without fingerprinting them."""
        seen = self.seen
        for finding in findings:
            key = identity(finding)
            seen[key] = seen.get(key, 0) + 1
