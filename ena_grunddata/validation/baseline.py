"""A baseline: today's findings recorded once (`validate --write-baseline FILE`), so a repository can adopt the
tool on a legacy catalog and fail only on new findings (`validate --baseline FILE`).

A finding is matched by code, focus, path and value (blank-node foci as "_:", since their labels change from parse
to parse), never by line or file, so edits that move text keep the match. The comparison is of multisets: two equal
findings need two entries. Baselined findings that are gone are reported (README, "Baseline").
"""

from __future__ import annotations

import json
from collections import Counter

from ..atomic import atomic_write
from ..errors import UsageError, file_error
from ..report import Finding

VERSION = 1


def key(finding: Finding) -> tuple:
    focus = "_:" if finding.focus.startswith("_:") else finding.focus
    value = "_:" if finding.value is not None and finding.value.startswith("_:") else finding.value
    return (finding.code, focus, finding.path, value)


def entry(finding: Finding) -> dict:
    code, focus, path, value = key(finding)
    return {"code": code, "focus": focus, "path": path, "value": value, "severity": finding.severity.label,
            "source": finding.source}


def render_baseline(findings: list[Finding]) -> str:
    entries = sorted((entry(f) for f in findings),
                     key=lambda e: tuple("" if e[k] is None else str(e[k]) for k in
                                         ("source", "code", "focus", "path", "value", "severity")))
    return json.dumps({"ena-grunddata-baseline": VERSION, "findings": entries}, ensure_ascii=False,
                      indent=1, sort_keys=True) + "\n"


def write_baseline(findings: list[Finding], path: str) -> None:
    try:
        atomic_write(path, render_baseline(findings))
    except OSError as error:
        raise file_error(error, path, writing=True) from None


def read_baseline(path: str) -> Counter:
    from ..load.safety import load_json

    try:
        with open(path, encoding="utf-8") as handle:
            data = load_json(handle.read())  # nesting, numbers, lone surrogates: one line (ValueError)
    except OSError as error:
        raise file_error(error, path) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"not a baseline (JSON written by --write-baseline): {str(error)[:200]}",
                         where=path) from None
    if not isinstance(data, dict) or data.get("ena-grunddata-baseline") != VERSION or \
            not isinstance(data.get("findings"), list):
        raise UsageError("not a baseline written by `validate --write-baseline` (version 1)", where=path)
    counts = Counter()
    for number, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or \
                not isinstance(item.get("focus"), str) or \
                not all(isinstance(item.get(name), (str, type(None))) for name in ("path", "value")):
            raise UsageError(f"findings[{number}] needs at least code and focus (strings; path and value are "
                             "strings or null)", where=path)
        counts[(item["code"], item["focus"], item.get("path"), item.get("value"))] += 1
    return counts


def apply_baseline(findings: list[Finding], path: str) -> tuple[list, list, list]:
    """(findings not in the baseline, baselined findings marked suppressed, baseline entries that are gone)."""
    remaining = read_baseline(path)
    kept, known = [], []
    for finding in findings:
        k = key(finding)
        if remaining[k] > 0:
            remaining[k] -= 1
            known.append(Finding(**{**finding.__dict__, "suppressed": f"in the baseline {path}",
                                    "suppressed_by": "baseline"}))
        else:
            kept.append(finding)
    gone = [{"code": c, "focus": f, "path": p, "value": v}
            for (c, f, p, v), count in sorted(remaining.items(), key=lambda x: tuple(map(str, x[0])))
            for _ in range(count)]
    return kept, known, gone
