"""Suppressions where the data is: `# ena-grunddata: ignore[CODE] reason` in Turtle (and TriG, N-Triples) or in a
description file (YAML), for the honest "this rule does not apply here" cases (README, "Suppressions").

Which resource a comment belongs to:
- a comment on its own line(s) directly above the start of a resource's description (only blank lines and other
  comments between) belongs to that resource; in a description file the start is the resource's key line
  (`foretagsregistret:`) or list item (`- id: ...`);
- any other comment belongs to the innermost resource whose description it is written in (from its start line to
  the line before the next resource at the same or a shallower indentation; in YAML, while lines are indented deeper).

It suppresses findings of the named codes on that resource, and on what is written inside its description (blank
nodes, nested resources such as a description file's `temporal:` period, values that are only referred to there).
Several codes: `ignore[CODE-1, CODE-2]`. A suppression without a reason still suppresses, but is a finding
(SUPPRESSION-NO-REASON); one that suppresses nothing is a finding (SUPPRESSION-UNUSED); a comment that starts with
`ena-grunddata:` but cannot be read is a finding (SUPPRESSION-SYNTAX). All three are warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from ..load import Document, Limits, parse_document, subject_lines
from ..messages import both
from ..report import Finding, Severity

MARKER = b"ena-grunddata"
_COMMENT = re.compile(r"(?:^|\s)#\s*ena-grunddata\s*:\s*(.*?)\s*$")
_DIRECTIVE = re.compile(r"^ignore\s*\[([^\]]*)\]\s*(.*)$")
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
COMMENT_FORMATS = ("turtle", "trig", "ntriples", "nquads", "description")

MESSAGE_IDS = {"SUPPRESSION-UNUSED": "suppression.unused", "SUPPRESSION-NO-REASON": "suppression.no_reason",
               "SUPPRESSION-SYNTAX": "suppression.syntax"}


@dataclass
class Suppression:
    source: str
    line: int  # of the comment
    codes: tuple[str, ...]
    reason: str
    resource: str | None  # the resource it belongs to (None: no resource around it)
    block: range = field(default_factory=lambda: range(0))
    used: set = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        if finding.code not in self.codes or finding.source != self.source or self.resource is None:
            return False
        return finding.focus == self.resource or (finding.line is not None and finding.line in self.block)


def scan(document: Document, limits: Limits | None = None) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions of one document, and findings about comments that cannot be read."""
    if document.format not in COMMENT_FORMATS or MARKER not in document.data:
        return [], []
    lines = document.text.splitlines()
    comments = []
    for number, text in enumerate(lines, start=1):
        match = _COMMENT.search(text)
        if match and not inside_string(text, match.start()):
            comments.append((number, match.group(1)))
    if not comments:
        return [], []
    starts = resource_starts(document, lines, limits)
    suppressions, problems = [], []
    for number, directive in comments:
        parsed = _DIRECTIVE.match(directive)
        codes = tuple(c for c in re.split(r"[,\s]+", parsed.group(1).strip()) if c) if parsed else ()
        if not parsed or not codes or not all(_CODE.match(c) for c in codes):
            problems.append(problem("SUPPRESSION-SYNTAX", document.name, number, None, directive))
            continue
        resource, block = owner(number, lines, starts, document.format)
        suppressions.append(Suppression(document.name, number, codes, parsed.group(2).strip(), resource, block))
    return suppressions, problems


def inside_string(text: str, position: int) -> bool:
    """A `#` inside a quoted literal is not a comment (good enough for one line)."""
    return text[:position].count('"') % 2 == 1


def resource_starts(document: Document, lines: list[str], limits) -> dict[int, str]:
    """line -> resource whose description starts there."""
    graph = parse_document(document, limits or Limits())
    starts: dict[int, str] = {}
    if document.format == "description":
        for term, line in sorted((getattr(graph, "ena_locations", None) or {}).items(), key=lambda x: x[1]):
            if line and isinstance(term, URIRef):
                starts.setdefault(yaml_key_line(lines, line), str(term))
        return starts
    subjects = {str(s) for s in graph.subjects(unique=True) if isinstance(s, URIRef)}
    for iri, line in subject_lines(document).items():
        if iri in subjects:
            starts.setdefault(line, iri)
    return starts


def yaml_key_line(lines: list[str], line: int) -> int:
    """A description's location is its first key; its description starts at the key above (`name:`) when the
    first key is that mapping's first child, else (a list item `- id:`) at the line itself."""
    text = lines[line - 1]
    if text.lstrip().startswith("- "):
        return line
    previous = line - 1
    while previous >= 1 and (not lines[previous - 1].strip() or lines[previous - 1].lstrip().startswith("#")):
        previous -= 1
    if previous >= 1:
        above = lines[previous - 1]
        key = above.split(" #")[0].rstrip()
        if key.endswith(":") and indent(above) < indent(text):
            return previous
    return line


def owner(number: int, lines: list[str], starts: dict[int, str], fmt: str) -> tuple[str | None, range]:
    if lines[number - 1].lstrip().startswith("#"):  # a comment line: does a description start right below?
        following = number + 1
        while following <= len(lines) and (not lines[following - 1].strip()
                                             or lines[following - 1].lstrip().startswith("#")):
            following += 1
        if following in starts:
            return starts[following], block(following, lines, starts, fmt)
    best = None
    for start in sorted(starts):
        if start > number:
            break
        if number in block(start, lines, starts, fmt):
            best = start  # later starts that still contain the line are inner ones
    if best is None:
        return None, range(0)
    return starts[best], block(best, lines, starts, fmt)


def block(start: int, lines: list[str], starts: dict[int, str], fmt: str) -> range:
    depth = indent(lines[start - 1])
    for number in range(start + 1, len(lines) + 1):
        text = lines[number - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if fmt == "description":
            if indent(text) <= depth:
                return range(start, number)
        elif number in starts and indent(text) <= depth:
            return range(start, number)
    return range(start, len(lines) + 1)


def indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def problem(code: str, source: str, line: int, resource: str | None, value: str | None,
            suppressed_code: str = "") -> Finding:
    return Finding(code=code, severity=Severity.WARNING, focus=resource or source, value=value,
                   messages=both(MESSAGE_IDS[code], code=suppressed_code or value or ""),
                   source=source, line=line)


def apply(findings: list[Finding], suppressions: list[Suppression]) -> tuple[list, list, list]:
    """(findings left, findings suppressed, findings about the suppressions themselves)."""
    kept, suppressed = [], []
    for finding in findings:
        match = next((s for s in suppressions if s.covers(finding)), None)
        if match is None:
            kept.append(finding)
            continue
        match.used.add(finding.code)
        suppressed.append(Finding(**{**finding.__dict__, "suppressed": match.reason or "(no reason given)",
                                     "suppressed_by": "comment"}))
    problems = []
    for suppression in suppressions:
        if not suppression.reason:
            problems.append(problem("SUPPRESSION-NO-REASON", suppression.source, suppression.line,
                                    suppression.resource, ",".join(suppression.codes),
                                    ", ".join(suppression.codes)))
        for code in suppression.codes:
            if code not in suppression.used:
                problems.append(problem("SUPPRESSION-UNUSED", suppression.source, suppression.line,
                                        suppression.resource, code, code))
    return kept, suppressed, problems
