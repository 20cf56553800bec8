"""One self-contained HTML page: summary, charts, one card per catalog/dataset/service with its findings, scores.

No external assets (inline CSS, inline SVG, a few lines of inline JS), so it works offline, from an e-mail attachment
or a CI artefact. The filters need JS; without it every finding is simply shown. Every word on the page is in the
chosen language, and every piece of data is escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape

from .. import __version__
from .formats import SEVERITY_WORD, short
from .suppressed import html_section as suppressed_section
from .context import ReportContext, card_resources, domains_of, kind_of, label_of, owner_of
from ..report import Report, Severity

SEVERITIES = (Severity.VIOLATION, Severity.WARNING, Severity.INFO)
COLOURS = {"violation": "#b3261e", "warning": "#9a6700", "info": "#1f5f99"}
TOP_RULES = 15
KIND_ORDER = ("Catalog", "Dataset", "DatasetSeries", "DataService", "Distribution", "")

WORDS = {
    "en": {"title": "Validation report", "conforms": "Conforms", "not": "Does not conform", "fail_on": "fail-on",
           "violation": "Violations", "warning": "Warnings", "info": "Infos", "resources": "Resources with findings",
           "sources": "Sources", "profiles": "Profiles", "by_severity": "Findings per severity",
           "by_rule": "Findings per rule", "filters": "Filter", "severity": "Severity", "profile": "Profile",
           "domain": "Base-data domain", "all": "all", "none": "No findings.", "value": "value",
           "about": "about", "score": "Quality score", "generated": "Made by ena-grunddata",
           "more_rules": "more rules", "checklist": "Also check by hand (metadata cannot show these):",
           "catalog_scores": "Catalog scores", "mean": "mean of {n} datasets", "missing": "Missing",
           "Catalog": "Catalog", "Dataset": "Dataset", "DatasetSeries": "Dataset series", "DataService": "Data service",
           "Distribution": "Distribution", "": "Resource", "lang": "en", "profile:user": "your shapes (--shapes)"},
    "sv": {"title": "Valideringsrapport", "conforms": "Uppfyller kraven", "not": "Uppfyller inte kraven",
           "fail_on": "gräns", "violation": "Fel", "warning": "Varningar", "info": "Upplysningar",
           "resources": "Resurser med anmärkningar", "sources": "Källor", "profiles": "Profiler",
           "by_severity": "Anmärkningar per allvarlighetsgrad", "by_rule": "Anmärkningar per regel",
           "filters": "Filtrera", "severity": "Allvarlighet", "profile": "Profil", "domain": "Grunddatadomän",
           "all": "alla", "none": "Inga anmärkningar.", "value": "värde", "about": "gäller",
           "score": "Kvalitetspoäng", "generated": "Skapad av ena-grunddata", "more_rules": "regler till",
           "checklist": "Kontrollera också manuellt (metadata kan inte visa detta):",
           "catalog_scores": "Katalogernas poäng", "mean": "medel av {n} datamängder", "missing": "Saknas",
           "Catalog": "Katalog", "Dataset": "Datamängd", "DatasetSeries": "Dataserie", "DataService": "Datatjänst",
           "Distribution": "Distribution", "": "Resurs", "lang": "sv", "profile:user": "egna regler (--shapes)"},
}

CSS = """
:root{--fg:#1b1b1f;--muted:#5f6368;--line:#d8d8de;--bg:#fafafc;--card:#fff}
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg)}header,main,section,footer{max-width:60rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.6rem;margin:1rem 0 .25rem}h2{font-size:1.15rem;margin:1.2rem 0 .4rem}
.verdict{font-weight:600;margin:.2rem 0 .8rem}.verdict.fail{color:#b3261e}.verdict.ok{color:#1e7d32}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;padding:0;margin:0;list-style:none}
.counts li{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.4rem .7rem}
.counts b{display:block;font-size:1.3rem}.meta{color:var(--muted);font-size:.9rem}
svg{width:100%;height:auto;max-width:40rem;display:block}svg text{font:12px system-ui,sans-serif;fill:#1b1b1f}
.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center;background:var(--card);border:1px solid var(--line);
border-radius:.5rem;padding:.5rem .8rem;margin:1rem auto}.filters fieldset{border:0;margin:0;padding:0}
.card{background:var(--card);border:1px solid var(--line);border-left:.35rem solid #1e7d32;border-radius:.5rem;
padding:.6rem .9rem;margin:.8rem 0;break-inside:avoid}.card.worst-violation{border-left-color:#b3261e}
.card.worst-warning{border-left-color:#9a6700}.card.worst-info{border-left-color:#1f5f99}
.card h2{margin:.1rem 0}.iri{font-family:ui-monospace,Menlo,monospace;font-size:.8rem;color:var(--muted);
word-break:break-all;margin:.1rem 0}.kind{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;
color:var(--muted)}.score{font-size:.9rem;margin:.3rem 0}.findings{list-style:none;padding:0;margin:.4rem 0}
.finding{border-top:1px solid var(--line);padding:.4rem 0}.badge{display:inline-block;border-radius:.3rem;
padding:0 .35rem;color:#fff;font-size:.8rem;font-weight:600}.sev-violation .badge{background:#b3261e}
.sev-warning .badge{background:#9a6700}.sev-info .badge{background:#1f5f99}code{font-size:.85rem;
word-break:break-all}.rule,.where,.about{color:var(--muted);font-size:.8rem}.value{font-size:.85rem}
table{border-collapse:collapse;width:100%;background:var(--card)}td,th{border:1px solid var(--line);
padding:.25rem .5rem;text-align:left}footer{color:var(--muted);font-size:.8rem;padding:1.5rem 1rem}
[hidden]{display:none!important}
@media print{body{background:#fff;font-size:11pt}.filters{display:none}.card{border-color:#999}a{color:inherit}}
"""

SCRIPT = """
(function(){var f=document.getElementById('filters');if(!f||!f.querySelectorAll)return;f.hidden=false;
function apply(){var sev={};Array.prototype.forEach.call(f.querySelectorAll('input[name=severity]'),function(c){
sev[c.value]=c.checked});var ps=f.querySelector('select[name=profile]'),ds=f.querySelector('select[name=domain]'),
p=ps?ps.value:'',d=ds?ds.value:'';
Array.prototype.forEach.call(document.querySelectorAll('.card'),function(card){
Array.prototype.forEach.call(card.querySelectorAll('.finding'),function(li){
li.hidden=!(sev[li.getAttribute('data-severity')]&&(!p||li.getAttribute('data-profile')===p))});
var doms=' '+card.getAttribute('data-domains')+' ';card.hidden=!!d&&doms.indexOf(' '+d+' ')<0})}
f.addEventListener('change',apply);apply()})();
"""


def render_html(report: Report, *, lang: str = "en", max_findings=None, context: ReportContext | None = None) -> str:
    """`max_findings` is ignored: the page is for reading every finding (filters narrow it down)."""
    context = context or ReportContext()
    words = WORDS.get(lang, WORDS["en"])
    cards = build_cards(report, context)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(words['title'])}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        summary(report, words),
        charts(report, lang, words),
        filters(report, context, cards, lang, words),
        "<main>",
        *[card_html(resource, findings, report, context, lang, words) for resource, findings in cards],
        "</main>",
        catalog_scores(context, lang, words),
        suppressed_section(report, lang),
        checklist(report, lang, words),
        f"<footer>{escape(words['generated'])} {escape(__version__)} · {escape(words['profiles'])}: "
        f"{escape(', '.join(report.profiles))}</footer>",
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def build_cards(report: Report, context: ReportContext) -> list[tuple[str, list]]:
    """(card resource, its findings): every catalog/dataset/service/series, plus any other focus that no single
    card resource points at."""
    resources = card_resources(context.graph)
    known = set(resources)
    grouped: dict[str, list] = defaultdict(list)
    for finding in report.findings:
        grouped[owner_of(finding.focus, context.graph, known)].append(finding)
    everything = list(dict.fromkeys([*resources, *grouped]))

    def order(resource):
        kind = kind_of(context.graph, resource)
        return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), resource)

    return [(resource, grouped.get(resource, [])) for resource in sorted(everything, key=order)]


def summary(report: Report, words: dict) -> str:
    counts = report.summary
    verdict_class, verdict = ("ok", words["conforms"]) if report.conforms else ("fail", words["not"])
    items = "".join(f'<li class="count-{s.label}"><b>{counts[s.label]}</b>{escape(words[s.label])}</li>'
                    for s in SEVERITIES)
    items += f'<li class="count-resources"><b>{len({f.focus for f in report.findings})}</b>' \
             f'{escape(words["resources"])}</li>'
    items += f'<li class="count-sources"><b>{len(report.sources)}</b>{escape(words["sources"])}</li>'
    sources = ", ".join(report.sources)
    threshold = SEVERITY_WORD.get(words["lang"], SEVERITY_WORD["en"])[report.fail_on.label]
    return (f"<header><h1>{escape(words['title'])}</h1>"
            f'<p class="verdict {verdict_class}">{escape(verdict)} ({escape(words["fail_on"])}: '
            f"{escape(threshold)})</p>"
            f'<ul class="counts">{items}</ul>'
            f'<p class="meta">{escape(words["profiles"])}: {escape(", ".join(report.profiles))} · '
            f'{escape(words["sources"])}: {escape(sources)}</p></header>')


def charts(report: Report, lang: str, words: dict) -> str:
    if not report.findings:
        return ""
    severity_word = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])
    counts = report.summary
    per_severity = [(severity_word[s.label], counts[s.label], s.label) for s in SEVERITIES]
    by_code = Counter(f.code for f in report.findings)
    worst = {}
    for finding in report.findings:
        worst[finding.code] = max(worst.get(finding.code, Severity.INFO), finding.severity)
    codes = sorted(by_code, key=lambda c: (-by_code[c], c))
    per_rule = [(code, by_code[code], worst[code].label) for code in codes[:TOP_RULES]]
    more = len(codes) - len(per_rule)
    note = f'<p class="meta">… {more} {escape(words["more_rules"])}</p>' if more > 0 else ""
    return (f'<section class="charts"><h2>{escape(words["by_severity"])}</h2>'
            f"{bar_chart(per_severity, words['by_severity'])}"
            f'<h2>{escape(words["by_rule"])}</h2>{bar_chart(per_rule, words["by_rule"])}{note}</section>')


def bar_chart(rows: list[tuple[str, int, str]], title: str) -> str:
    """Horizontal bars: label, bar (colour by severity), count. Plain SVG, readable when printed."""
    label_width, bar_width, row_height = 260, 300, 22
    top = max((count for _, count, _ in rows), default=0) or 1
    height = row_height * len(rows) + 4
    parts = [f'<svg role="img" viewBox="0 0 {label_width + bar_width + 60} {height}">'
             f"<title>{escape(title)}</title>"]
    for index, (label, count, severity) in enumerate(rows):
        y = index * row_height + 2
        width = max(1, round(bar_width * count / top)) if count else 0
        parts.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="{row_height - 6}" '
                     f'fill="{COLOURS[severity]}"/>'
                     f'<text x="{label_width + width + 6}" y="{y + 15}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def filters(report: Report, context: ReportContext, cards, lang: str, words: dict) -> str:
    """Hidden until the script shows it: without JS there is nothing to filter with, and nothing is hidden."""
    severity_word = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])
    boxes = "".join(f'<label><input type="checkbox" name="severity" value="{s.label}" checked> '
                    f"{escape(severity_word[s.label])}</label> " for s in SEVERITIES)
    profiles = sorted({context.rule(f).profile for f in report.findings})
    domains = sorted({d for resource, _ in cards for d in domains_of(context.graph, resource, context.domain)})
    return (f'<form id="filters" class="filters" hidden><strong>{escape(words["filters"])}</strong>'
            f'<fieldset><legend>{escape(words["severity"])}</legend>'
            f"{boxes}</fieldset>"
            f'{select("profile", words["profile"], profiles, words)}'
            f'{select("domain", words["domain"], domains, words)}</form>')


def select(name: str, label: str, values: list[str], words: dict) -> str:
    if not values:
        return ""
    options = f'<option value="">{escape(words["all"])}</option>' + "".join(
        f'<option value="{escape(v)}">{escape(words.get("profile:" + v, v))}</option>' for v in values)
    return f'<label>{escape(label)} <select name="{name}">{options}</select></label>'


def card_html(resource: str, findings: list, report: Report, context: ReportContext, lang: str, words: dict) -> str:
    kind = kind_of(context.graph, resource)
    title = label_of(context.graph, resource, lang) or short(resource)
    worst = max((f.severity for f in findings), default=None)
    domains = " ".join(domains_of(context.graph, resource, context.domain))
    classes = "card" + (f" worst-{worst.label}" if worst else "")
    body = ("<ul class=\"findings\">" + "".join(finding_html(f, resource, context, lang, words) for f in findings)
            + "</ul>") if findings else f'<p class="clean">{escape(words["none"])}</p>'
    return (f'<article class="{classes}" data-resource="{escape(resource)}" data-domains="{escape(domains)}">'
            f'<p class="kind">{escape(words.get(kind, words[""]))}</p><h2>{escape(title)}</h2>'
            f'<p class="iri">{escape(resource)}</p>{score_html(resource, context, lang, words)}{body}</article>')


def finding_html(finding, resource: str, context: ReportContext, lang: str, words: dict) -> str:
    severity_word = SEVERITY_WORD.get(lang, SEVERITY_WORD["en"])
    rule = context.rule(finding)
    line = context.line_of(finding)
    where = f"{finding.source}:{line}" if finding.source and line else (finding.source or "")
    parts = [f'<span class="badge">{escape(severity_word[finding.severity.label])}</span> ']
    if finding.path:
        parts.append(f"<code>{escape(short(finding.path))}</code> ")
    parts.append(f'<span class="message">{escape(finding.message(lang))}</span> ')
    if finding.value is not None:
        parts.append(f'<span class="value">({escape(words["value"])}: <code>{escape(finding.value)}</code>)</span> ')
    if finding.focus != resource:
        parts.append(f'<br><span class="about">{escape(words["about"])} {escape(finding.focus)}</span>')
    parts.append(f'<br><span class="rule">{escape(finding.code)}</span> ')
    if where:
        parts.append(f'<span class="where">{escape(where)}</span>')
    return (f'<li class="finding sev-{finding.severity.label}" data-severity="{finding.severity.label}" '
            f'data-profile="{escape(rule.profile)}" data-code="{escape(finding.code)}">{"".join(parts)}</li>')


def score_html(resource: str, context: ReportContext, lang: str, words: dict) -> str:
    if context.scores is None:
        return ""
    entry = context.scores.of(resource)
    if entry is None or entry.total is None:
        return ""
    from ..validation.score import CHECKS, DIMENSION_WORDS, DIMENSIONS, MAX_POINTS, RATING_WORDS, number

    ratings = RATING_WORDS.get(lang, RATING_WORDS["en"])
    text = f"{escape(words['score'])}: <b>{number(entry.total)}/{MAX_POINTS}</b> {escape(ratings[entry.rating])}"
    if hasattr(entry, "dimension"):
        names = DIMENSION_WORDS.get(lang, DIMENSION_WORDS["en"])
        text += " · " + " · ".join(f"{escape(names[d])} {number(entry.dimension(d)[0])}/{entry.dimension(d)[1]}"
                                   for d in DIMENSIONS)
        missing = [escape(c.label(lang)) for c in CHECKS if entry.points[c.key] < c.points]
        if missing:
            text += f'<br><span class="meta">{escape(words["missing"])}: {", ".join(missing)}</span>'
    else:
        text += f" ({escape(words['mean'].format(n=len(entry.datasets)))})"
    return f'<p class="score">{text}</p>'


def catalog_scores(context: ReportContext, lang: str, words: dict) -> str:
    if context.scores is None or not context.scores.catalogs:
        return ""
    from ..validation.score import MAX_POINTS, RATING_WORDS, number

    ratings = RATING_WORDS.get(lang, RATING_WORDS["en"])
    rows = "".join(f"<tr><td>{escape(c.title or c.resource)}</td><td>{number(c.total)}/{MAX_POINTS}</td>"
                   f"<td>{escape(ratings[c.rating])}</td>"
                   f"<td>{escape(words['mean'].format(n=len(c.datasets)))}</td></tr>"
                   for c in context.scores.catalogs if c.total is not None)
    if not rows:
        return ""
    return f'<section class="catalog-scores"><h2>{escape(words["catalog_scores"])}</h2><table>{rows}</table></section>'


def checklist(report: Report, lang: str, words: dict) -> str:
    if not report.guidance:
        return ""
    try:
        from ..validation.domains import guidance
    except ImportError:
        return ""
    items = guidance(lang) or []
    if not items:
        return ""
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f'<section class="checklist"><h2>{escape(words["checklist"])}</h2><ul>{entries}</ul></section>'
