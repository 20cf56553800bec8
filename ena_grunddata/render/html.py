"""One self-contained HTML page: summary, what to fix first, charts, one card per resource with its findings, scores.

The page frame comes from a Jinja2 template (render/templates/) with autoescaping; the cards and their findings (a
national page has a quarter of a million) are written here, each piece of data through markupsafe's escape, the
escaper autoescaping uses, so every piece of data is escaped either way. No external assets (inline CSS, plain
HTML bars, a few lines of inline JS), so it works offline, from an e-mail attachment or a CI artefact, and at any
width from a phone (390 px) to a desktop. The filters need JS; without it every finding is simply shown. Every word
on the page is in the chosen language.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup, escape

from .. import __version__
from .formats import short
from .suppressed import html_section as suppressed_section
from .context import (Owners, ReportContext, card_resources, described, domains_of, kind_of, label_of,
                      relation_to, role_of)
from ..messages import capital, language, severity, tr
from ..report import Finding, Report, Severity

SEVERITIES = (Severity.VIOLATION, Severity.WARNING, Severity.INFO)
TOP_RULES = 15
# How many findings the page shows unless --max-findings says (a card without findings counts as one): a national
# report's quarter of a million made a 145 MB page that browsers struggle to open. The counts, the charts and "fix
# these first" cover every finding; json, sarif and junit list them all.
PAGE_FINDINGS = 5_000
KIND_ORDER = ("Catalog", "Dataset", "DatasetSeries", "DataService", "Distribution", "")

KIND_IDS = {"Catalog": "kind.catalog", "Dataset": "kind.dataset", "DatasetSeries": "kind.series",
            "DataService": "kind.service", "Distribution": "kind.distribution", "Agent": "kind.agent",
            "Contact": "kind.contact", "": "kind.resource"}
PROFILE_IDS = {"user": "html.profile_user"}  # built-in profiles are called by their names

# How a resource reaches a blank node, in words: "its temporal coverage (dcterms:temporal)".
RELATION_IDS = {
    "http://purl.org/dc/terms/temporal": "relation.temporal",
    "http://purl.org/dc/terms/spatial": "relation.spatial",
    "http://www.w3.org/ns/dcat#contactPoint": "relation.contact_point",
    "http://purl.org/dc/terms/publisher": "relation.publisher",
    "http://purl.org/dc/terms/creator": "relation.creator",
    "http://www.w3.org/ns/dcat#distribution": "relation.distribution",
    "http://purl.org/dc/terms/rights": "relation.rights",
    "http://purl.org/dc/terms/license": "relation.license",
    "http://purl.org/dc/terms/accessRights": "relation.access_rights",
    "http://purl.org/dc/terms/conformsTo": "relation.conforms_to",
    "http://xmlns.com/foaf/0.1/page": "relation.page",
    "http://www.w3.org/ns/dqv#hasQualityAnnotation": "relation.quality",
    "http://www.w3.org/2006/vcard/ns#hasTelephone": "relation.telephone",
    "http://www.w3.org/2006/vcard/ns#hasAddress": "relation.address",
    "http://www.w3.org/2006/vcard/ns#hasEmail": "relation.email",
    "http://www.w3.org/ns/prov#qualifiedAttribution": "relation.attribution",
    "http://spdx.org/rdf/terms#checksum": "relation.checksum",
    "http://www.w3.org/ns/dcat#qualifiedRelation": "relation.qualified_relation",
    "http://schema.org/offers": "relation.offers",
    "http://purl.org/dc/terms/provenance": "relation.provenance",
}

# Kept as a constant: tests run the filter script in node against a stand-in DOM.
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

_CODE_SPAN = re.compile(r"`([^`\n]+)`")


@functools.lru_cache(maxsize=4096)  # a national report repeats each rule's message thousands of times
def inline_code(text: str) -> Markup:
    """A message as people read it: Markdown code spans (`contact_point`) become <code>, the rest is escaped."""
    escaped = str(escape(text))
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", escaped))


@functools.lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("ena_grunddata.render", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["inline_code"] = inline_code
    env.filters["capital"] = capital
    return env


def render_html(report: Report, *, lang: str = "en", max_findings: int | None = None,
                context: ReportContext | None = None) -> str:
    """The page shows the cards of the first `max_findings` findings (PAGE_FINDINGS when None), and says so when
    the report has more."""
    return "".join(html_chunks(report, lang=lang, max_findings=max_findings, context=context))


def html_chunks(report: Report, *, lang: str = "en", max_findings: int | None = None,
                context: ReportContext | None = None):
    """render_html's page, piece by piece as the template writes it (formats.render_chunks)."""
    context = context or ReportContext()
    page = Page(report, context, lang, PAGE_FINDINGS if max_findings is None else max(0, max_findings))
    context.done_with_data()  # the page holds all it shows: on the context's last use the store goes here
    return environment().get_template("report.html.j2").generate(
        page=page, t=page.t, lang=language(lang), script=Markup(SCRIPT), version=__version__,
        suppressed=Markup(suppressed_section(report, lang)))  # escaped where it is built (render/suppressed.py)


class Page:
    """What the template shows, computed once from the report and the context."""

    def __init__(self, report: Report, context: ReportContext, lang: str, most: int = PAGE_FINDINGS):
        self.report, self.context, self.lang = report, context, lang
        self.most = self.left = most  # findings the page may show, and the room left (build_cards)
        self.findings_shown = self.cards_shown = 0
        self.cut_short = False  # whether a card or some of a card's findings did not fit
        self._messages: dict[int, tuple] = {}  # id(finding.messages) -> (messages, pieces of the page per rule)
        self._escaped: dict[str, str] = {}  # text -> its escape (Page.escaped)
        self.severity_word = {s.label: severity(s.label, lang) for s in SEVERITIES}
        self.domains: set[str] = set()  # of every card shown, for the filter
        self.about: dict[tuple, str] = {}  # (focus, card resource) -> the finding's "about" line
        self._causes: list[tuple] = []  # (root, consequences) of each root that explains others, in report order
        self._cards = self.build_cards()

    def t(self, key: str, **values) -> str:
        """A text of the message catalogue in the page's language (the template's words)."""
        return tr(key, self.lang, **values)

    def kind_word(self, kind: str) -> str:
        word = self._kind_words.get(kind)
        if word is None:
            word = self._kind_words[kind] = capital(self.t(KIND_IDS.get(kind, "kind.resource")))
        return word

    @functools.cached_property
    def _kind_words(self) -> dict:
        return {}

    # ------------------------------------------------------------------ header

    @property
    def verdict(self) -> tuple[str, str]:
        return (("ok", capital(self.t("report.conforms"))) if self.report.conforms
                else ("fail", capital(self.t("report.not_conforms"))))

    @property
    def threshold(self) -> str:
        return self.severity_word[self.report.fail_on.label]

    @property
    def counts(self) -> list[tuple[str, int, str]]:
        summary = self.report.summary
        items = [(s.label, summary[s.label], capital(severity(s.label, self.lang, plural=True))) for s in SEVERITIES]
        items.append(("resources", len({f.focus for f in self.report.findings}), self.t("html.resources")))
        items.append(("sources", len(self.report.sources), self.t("report.sources")))
        return items

    # ------------------------------------------------------------------ what to fix first

    @property
    def causes(self) -> list[dict]:
        return [{"finding": self.entry(root, root.focus), "explains": len(consequences)}
                for root, consequences in self._causes]

    # ------------------------------------------------------------------ charts

    @property
    def charts(self) -> list[dict]:
        if not self.report.findings:
            return []
        summary = self.report.summary
        per_severity = [(self.severity_word[s.label], summary[s.label], s.label) for s in SEVERITIES]
        # one pass over a national report's 200,000 findings, counted in C (a max() per finding took 0.2 s)
        by_code: Counter = Counter()
        worst: dict[str, Severity] = {}
        for (code, level), count in Counter((f.code, f.severity) for f in self.report.findings).items():
            by_code[code] += count
            worst[code] = max(worst.get(code, Severity.INFO), level)
        codes = sorted(by_code, key=lambda c: (-by_code[c], c))
        per_rule = [(code, by_code[code], worst[code].label) for code in codes[:TOP_RULES]]
        return [{"name": "severity", "title": self.t("html.by_severity"), "rows": bars(per_severity), "more": 0},
                {"name": "rule", "title": self.t("html.by_rule"), "rows": bars(per_rule),
                 "more": len(codes) - len(per_rule)}]

    # ------------------------------------------------------------------ filters

    @property
    def filters(self) -> dict:
        firsts = {}  # code -> its first finding: a rule's profile is its code's
        for finding in self.report.findings:
            if finding.code not in firsts:
                firsts[finding.code] = finding
        profiles = sorted({self.context.rule(f).profile for f in firsts.values()})
        domains = sorted(self.domains)  # read when cards were built
        return {"severities": [(s.label, self.severity_word[s.label]) for s in SEVERITIES],
                "profiles": [(p, self.t(PROFILE_IDS[p]) if p in PROFILE_IDS else p) for p in profiles],
                "domains": [(d, d) for d in domains]}

    # ------------------------------------------------------------------ cards

    def build_cards(self) -> list[tuple]:
        """One card per catalog/dataset/service/series, plus any other resource with findings that no single card
        resource points at (a contact point shared by two datasets). A finding that explains others is shown
        with them nested under it, on the card of the cause.

        Cards come in the page's order (those of causes first, then by kind and IRI) while the page has room
        (`self.left`: findings, a card without findings counting as one); a card is cut where the room ends. Only
        the cards shown are worked out: a national report has a quarter of a million findings, and which card a
        distribution's findings belong on is found by asking the store, a card's worth at a time.

        What a card shows from the data (kind, title, domains, how each finding's resource is reached) is read
        here, while the data is loaded, and its markup written (card_markup) while its score is worked out on
        another thread; `cards` puts the score in."""
        graph = self.context.graph
        resources = card_resources(graph)
        owners = Owners(graph, set(resources))
        for index, (root, consequences) in enumerate(self.report.roots()):
            if consequences:
                self._causes.append((root, consequences))
            owners.add(root.resource or root.focus, (index, root, consequences))
        if self.left >= len(self.report.findings):  # every card is shown: what they show is read for all at once
            owners.resolve_all()
            if graph is not None:
                described(graph).read_all()
        leading = {owners.of(root.resource or root.focus) for root, _ in self._causes}
        kinds: dict[str, str] = {}

        def order(resource):
            kind = kinds.get(resource)
            if kind is None:
                kind = kinds[resource] = kind_of(graph, resource)
            return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), resource

        def in_order():
            yield from sorted(leading, key=order)
            yield from (resource for resource in sorted(resources, key=order) if resource not in leading)
            yield from sorted((focus for focus in owners.unowned() if focus not in leading), key=order)

        cards, about = [], escape(self.t("report.about"))
        for resource in in_order():
            if self.left <= 0:
                self.cut_short = True
                break
            found = owners.findings_of(resource)
            roots, shown = self.take(found)
            kind = kinds[resource] or role_of(graph, resource)  # (order() read every resource in_order gives)
            title = label_of(graph, resource, self.lang)
            domains = domains_of(graph, resource, self.context.domain)
            self.domains.update(domains)
            for root, consequences in roots:
                for finding in (root, *consequences):
                    focus = finding.resource if finding.resource else finding.focus
                    if focus != resource and (focus, resource) not in self.about:
                        self.about[focus, resource] = (
                            f'<br><span class="about">{about} {escape(self.about_text(focus, resource))}</span>')
            hidden = sum(1 + len(consequences) for _, _, consequences in found) - shown
            self.cut_short = self.cut_short or hidden > 0
            title = title or (self.about_text(resource, None) if resource.startswith("_:") else "")
            cards.append((resource, *self.card_markup(resource, kind, title, domains, roots, hidden)))
            self.cards_shown += 1
        return cards

    def take(self, found: list) -> tuple[list, int]:
        """The (root, consequences) pairs of a card's findings that fit on the page, and how many findings they
        are (a clean card takes the room of one finding)."""
        if not found:
            self.left -= 1
            return [], 0
        roots, shown = [], 0
        for _, root, consequences in found:
            if shown >= self.left:
                break
            if shown + 1 + len(consequences) > self.left:
                consequences = consequences[:self.left - shown - 1]
            roots.append((root, consequences))
            shown += 1 + len(consequences)
        self.left -= shown
        self.findings_shown += shown
        return roots, shown

    @property
    def cut(self) -> str:
        """What the page leaves out, in words ('' when it shows every finding and card)."""
        if not self.cut_short:
            return ""
        return self.t("html.cut", shown=self.findings_shown, total=len(self.report.findings),
                      cards=self.cards_shown, most=self.most)

    @property
    def cards(self):
        """Each card's markup: written by build_cards, but for its score, which is worked out on another thread
        meanwhile and put in when the template asks for the card."""
        cards, self._cards = self._cards, []
        cards.reverse()
        while cards:
            resource, head, body = cards.pop()
            yield Markup(head + self.score_html(resource) + body)

    def card_markup(self, resource: str, kind: str, title: str, domains: list, roots, hidden: int) -> tuple:
        """A card's markup before its score and after it. Every piece of data goes through markupsafe's escape
        (Jinja2's own escaper), as autoescaping would: a national page has many thousands of findings, and the
        template's work per finding took most of the page's time."""
        worst = None
        for root, consequences in roots:
            for finding in (root, *consequences) if consequences else (root,):
                if worst is None or finding.severity > worst:
                    worst = finding.severity
        resource_html = escape(resource)
        head = (f'<article class="card{" worst-" + worst.label if worst else ""}" data-resource="{resource_html}"'
                f' data-domains="{self.escaped(" ".join(domains))}">\n'
                f'<p class="kind">{self.escaped(self.kind_word(kind))}</p><h2>{escape(title or resource)}</h2>\n')
        if title or resource.startswith("_:"):
            head += f'<p class="iri">{resource_html}</p>'
        out: list[str] = []
        if roots:
            out.append('<ul class="findings">\n')
            for root, consequences in roots:
                self.finding_html(root, resource, consequences, out)
            out.append("</ul>\n")
            if hidden:
                out.append(f'<p class="more">{self.escaped(self.t("html.card_more", n=hidden))}</p>\n')
        else:
            out.append(f'<p class="clean">{self.escaped(self.t("report.no_findings"))}</p>\n')
        out.append("</article>\n")
        return head, "".join(out)

    def finding_html(self, finding: Finding, resource: str, consequences, out: list) -> None:
        """One finding as the list item the page shows (its consequences nested under it)."""
        words = self._words(finding)
        out.append(words[1] if consequences else words[0])
        caused_by = finding.caused_by
        if caused_by:
            out.append(f' data-caused-by="{escape(caused_by)}"')
        out.append(words[2])
        if finding.value is not None:
            out.append(f' <span class="value">({self._value_word}: <code>{escape(finding.value)}</code>)</span>')
        focus = finding.resource if finding.resource else finding.focus
        if focus != resource:
            out.append(self.about[focus, resource])
        out.append(words[3])
        source = finding.source
        if source:  # where: the source, and the exact line when known (escaped as one text would be: ":" and
            line = self.context.line_of(finding)  # digits are as they are)
            out.append(f' <span class="where">{self.escaped(source)}:{line}</span>' if line
                       else f' <span class="where">{self.escaped(source)}</span>')
        if consequences:
            out.append(f'<p class="because">{self.escaped(self.t("html.because"))}</p>\n<ul class="consequences">\n')
            for consequence in consequences:
                self.finding_html(consequence, resource, (), out)
            out.append("\n</ul>\n")
        out.append("</li>\n")

    def _words(self, finding: Finding) -> tuple:
        """The markup of a finding that many findings share, kept per code, severity, path, key name and messages:
        the list item's opening up to its attributes (as a finding and as a cause that explains others), the rest
        of the opening tag with the severity badge, property and message, and the rule line."""
        messages = finding.messages
        known = self._messages.get(id(messages))
        if known is None:
            known = self._messages[id(messages)] = (messages, {})
        key = (finding.code, finding.severity, finding.path, finding.key_name)
        words = known[1].get(key)
        if words is None:
            rule = self.context.rule(finding)
            rdf = short(finding.path) if finding.path else ""
            prop = finding.key_name or rdf
            rdf = rdf if finding.key_name and rdf != finding.key_name else ""
            level, profile, code = escape(finding.severity.label), escape(rule.profile), escape(finding.code)
            attributes = f'" data-severity="{level}" data-profile="{profile}" data-code="{code}"'
            words = known[1][key] = (
                f'<li class="finding sev-{level}{attributes}', f'<li class="finding sev-{level} cause{attributes}',
                f'>\n<span class="badge">{escape(self.severity_word[finding.severity.label])}</span>\n'
                + (f' <code class="property">{escape(prop)}</code>' if prop else "")
                + f' <span class="message">{inline_code(finding.message(self.lang))}</span>\n',
                f'<br><span class="rule">{code}</span>' + (f' <span class="rdf">{escape(rdf)}</span>' if rdf else ""))
        return words

    def escaped(self, text: str) -> str:
        """escape(text), kept per text: sources, domains and words repeat across thousands of findings."""
        found = self._escaped.get(text)
        if found is None:
            found = self._escaped[text] = escape(text)
        return found

    @functools.cached_property
    def _value_word(self) -> str:
        return escape(self.t("report.value"))

    def entry(self, finding: Finding, resource: str, consequences=()) -> "Entry":
        rule = self.context.rule(finding)
        line = self.context.line_of(finding)
        where = f"{finding.source}:{line}" if finding.source and line else (finding.source or "")
        rdf = short(finding.path) if finding.path else ""
        focus = finding.resource if finding.resource else finding.focus
        return Entry(
            code=finding.code,
            severity=finding.severity.label,
            severity_word=self.severity_word[finding.severity.label],
            profile=rule.profile,
            property=finding.key_name or rdf,
            rdf=rdf if finding.key_name and rdf != finding.key_name else "",
            message=finding.message(self.lang),
            value=finding.value,
            about=self.about_text(focus, resource) if focus != resource else "",
            where=where,
            caused_by=finding.caused_by,
            consequences=list(consequences),
        )

    def about_text(self, focus: str, resource: str | None, depth: int = 0) -> str:
        """A person's name for the resource a finding is about: its label, or how the card's resource reaches
        it ("its temporal coverage (dcterms:temporal)"), never a blank-node label."""
        graph = self.context.graph
        label = label_of(graph, focus, self.lang)
        if not focus.startswith("_:"):
            return f"{label} ({focus})" if label else focus
        if label:
            return label
        reached = relation_to(graph, focus)
        if reached is None or depth > 3:
            return self.t("kind.resource")
        subject, predicate = reached
        what = (f"{self.t(RELATION_IDS[predicate])} ({short(predicate)})" if predicate in RELATION_IDS
                else short(predicate))
        if subject == resource:
            return self.t("html.its", what=what)
        whom = label_of(graph, subject, self.lang) or (self.about_text(subject, resource, depth + 1)
                                                       if subject.startswith("_:") else subject)
        return self.t("html.of", what=what, whom=whom)

    def score_html(self, resource: str) -> str:
        """The card's score paragraph ('' without a score). A dataset's paragraph follows from its points and
        whether it violates the profiles alone, so it is written once per such pair (a national catalog's
        datasets share a few hundred)."""
        scores = self.context.scores
        if scores is None:
            return ""
        entry = scores.of(resource)
        if entry is None:
            return ""
        points = getattr(entry, "points", None)
        if points is None:  # a catalog: its datasets' mean (few)
            return self._score_paragraph(entry)
        key = (tuple(points.items()), entry.violations)
        known = self._scores.get(key)
        if known is None:
            known = self._scores[key] = self._score_paragraph(entry)
        return known

    @functools.cached_property
    def _scores(self) -> dict:
        return {}

    def _score_paragraph(self, entry) -> str:
        """'' when the entry has no total (a catalog without datasets)."""
        total = entry.total  # a catalog's is the mean of all its datasets': asked for once
        if total is None:
            return ""
        score = self.score(entry, total)
        out = [f'<p class="score">{escape(self.t("score.title"))}: <b>{escape(score["total"])}/'
               f'{escape(score["max"])}</b> <span class="rating rating-{escape(score["rating_key"])}">'
               f'{escape(score["rating"])}</span>\n']
        if score["dimensions"]:
            out.append(" · " + " · ".join(f"{escape(name)} {escape(got)}/{escape(most)}"
                                           for name, got, most in score["dimensions"]))
        if score["mean"]:
            out.append(f' ({escape(score["mean"])})')
        if score["missing"]:
            out.append(f'<br><span class="meta">{escape(capital(self.t("score.missing")))}: '
                       f'{escape(", ".join(score["missing"]))}</span>')
        out.append("</p>\n")
        return "".join(out)

    def score(self, entry, total: float) -> dict:
        """What the score paragraph shows of a dataset's or catalog's score (`total`: its total, not None)."""
        from ..validation.score import CHECKS, DIMENSIONS, MAX_POINTS, dimension_word, mean_of, number, rating_word

        rating = entry.rating
        found = {"total": number(total), "max": MAX_POINTS, "rating": rating_word(rating, self.lang),
                 "rating_key": rating, "dimensions": [], "missing": [], "mean": ""}
        if hasattr(entry, "dimension"):
            found["dimensions"] = [(dimension_word(d, self.lang), number(entry.dimension(d)[0]), entry.dimension(d)[1])
                                   for d in DIMENSIONS]
            found["missing"] = [c.label(self.lang) for c in CHECKS if entry.points[c.key] < c.points]
        else:
            found["mean"] = mean_of(len(entry.datasets), self.lang)
        return found

    # ------------------------------------------------------------------ footer sections

    @property
    def catalog_scores(self) -> list[dict]:
        scores = self.context.scores
        if scores is None or not scores.catalogs:
            return []
        from ..validation.score import MAX_POINTS, mean_of, number, rating_word

        found = []
        for catalog in scores.catalogs:
            total = catalog.total  # the mean of all its datasets': asked for once
            if total is not None:
                found.append({"title": catalog.title or catalog.resource, "total": f"{number(total)}/{MAX_POINTS}",
                              "rating": rating_word(catalog.rating, self.lang),
                              "mean": mean_of(len(catalog.datasets), self.lang)})
        return found

    @property
    def checklist(self) -> list[str]:
        if not self.report.guidance:
            return []
        try:
            from ..validation.domains import guidance
        except ImportError:
            return []
        return list(guidance(self.lang) or [])


@dataclass(slots=True)
class Entry:
    """One finding as the template shows it: an object, since Jinja reads attributes first (a dict's keys cost a
    failed attribute lookup each, millions on a national page), with slots (a quarter of a dict's memory)."""

    code: str
    severity: str
    severity_word: str
    profile: str
    property: str
    rdf: str
    message: str
    value: str | None
    about: str
    where: str
    caused_by: str | None
    consequences: list


def bars(rows: list[tuple[str, int, str]]) -> list[dict]:
    """Chart rows with the bar's share of the longest one (in per cent, for a CSS width)."""
    top = max((count for _, count, _ in rows), default=0) or 1
    return [{"label": label, "count": count, "severity": severity,
             "percent": (max(1.0, round(100 * count / top, 1)) if count else 0)} for label, count, severity in rows]
