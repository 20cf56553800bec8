"""The one message catalogue: every word and sentence the tool itself prints, in English and Swedish.

Each text has a stable id ("severity.warning", "gate.refused") and one entry per language; `tr(id, lang, **values)`
gives it in a language (English for a language the catalogue does not have), with `str.format` placeholders filled
in. Findings carry their message in every language: `both(id, **values)`.

What is data stays where it is: the rules' messages (sh:message in shapes/), the vocabularies' labels and the help
of the description format's JSON Schema are rule and vocabulary texts, not the tool's words.

Swedish terms, one word per concept:
- severities: fel / varning / upplysning (plural fel / varningar / upplysningar): countable, so a number can stand
  before each ("2 fel, 1 varning, 3 upplysningar"); "anmärkning" is a finding of any severity.
- DCAT terms as DCAT-AP-SE 3.0.1 names them in Swedish (and the shapes' messages with it): "kontaktuppgift"
  (dcat:contactPoint), "geografiskt område" (dcterms:spatial), "tidsperiod" (dcterms:temporal), "utgivare",
  "webbsida" (dcat:landingPage), "katalog", "datamängd", "datamängdsserie", "datatjänst", "distribution".
"""

from __future__ import annotations

LANGUAGES = ("en", "sv")
FALLBACK = "en"

# id -> {language: text}. Ids are grouped by what they belong to; shared words have a group of their own.
MESSAGES: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ severities (singular, then plural)
    "severity.violation": {"en": "violation", "sv": "fel"},
    "severity.warning": {"en": "warning", "sv": "varning"},
    "severity.info": {"en": "info", "sv": "upplysning"},
    "severities.violation": {"en": "violations", "sv": "fel"},
    "severities.warning": {"en": "warnings", "sv": "varningar"},
    "severities.info": {"en": "infos", "sv": "upplysningar"},

    # ------------------------------------------------------------------ resource kinds (lower case)
    "kind.catalog": {"en": "catalog", "sv": "katalog"},
    "kind.dataset": {"en": "dataset", "sv": "datamängd"},
    "kind.series": {"en": "dataset series", "sv": "datamängdsserie"},
    "kind.service": {"en": "data service", "sv": "datatjänst"},
    "kind.distribution": {"en": "distribution", "sv": "distribution"},
    "kind.agent": {"en": "organisation", "sv": "organisation"},
    "kind.contact": {"en": "contact point", "sv": "kontaktuppgift"},
    "kind.resource": {"en": "resource", "sv": "resurs"},

    # ------------------------------------------------------------------ how a resource reaches another (lower case)
    "relation.temporal": {"en": "temporal coverage", "sv": "tidsperiod"},
    "relation.spatial": {"en": "spatial coverage", "sv": "geografiska område"},
    "relation.contact_point": {"en": "contact point", "sv": "kontaktuppgift"},
    "relation.publisher": {"en": "publisher", "sv": "utgivare"},
    "relation.creator": {"en": "creator", "sv": "skapare"},
    "relation.distribution": {"en": "distribution", "sv": "distribution"},
    "relation.rights": {"en": "rights statement", "sv": "rättighetsangivelse"},
    "relation.license": {"en": "licence", "sv": "licens"},
    "relation.access_rights": {"en": "access rights", "sv": "åtkomsträttigheter"},
    "relation.conforms_to": {"en": "specification", "sv": "specifikation"},
    "relation.page": {"en": "documentation page", "sv": "dokumentationssida"},
    "relation.quality": {"en": "quality annotation", "sv": "kvalitetsanteckning"},
    "relation.telephone": {"en": "telephone", "sv": "telefon"},
    "relation.address": {"en": "address", "sv": "adress"},
    "relation.email": {"en": "e-mail", "sv": "e-post"},
    "relation.attribution": {"en": "attribution", "sv": "ansvarsroll"},
    "relation.checksum": {"en": "checksum", "sv": "kontrollsumma"},
    "relation.qualified_relation": {"en": "relation", "sv": "relation"},
    "relation.offers": {"en": "offer", "sv": "erbjudande"},
    "relation.provenance": {"en": "provenance", "sv": "proveniens"},

    # ------------------------------------------------------------------ words every report format shares
    "report.conforms": {"en": "conforms", "sv": "uppfyller kraven"},
    "report.not_conforms": {"en": "does not conform", "sv": "uppfyller inte kraven"},
    "report.fail_on": {"en": "fail-on", "sv": "gräns"},
    "report.no_findings": {"en": "No findings.", "sv": "Inga anmärkningar."},
    "report.value": {"en": "value", "sv": "värde"},
    "report.about": {"en": "about", "sv": "gäller"},
    "report.checklist": {"en": "Also check by hand (metadata cannot show these):",
                         "sv": "Kontrollera också manuellt (metadata kan inte visa detta):"},
    "report.resources": {"en": "Resources", "sv": "Resurser"},
    "report.sources": {"en": "Sources", "sv": "Källor"},
    "report.rule": {"en": "Rule", "sv": "Regel"},
    "report.severity": {"en": "Severity", "sv": "Allvarlighet"},
    "report.where": {"en": "Where", "sv": "Plats"},
    "report.fix_first": {"en": "Fix these first", "sv": "Rätta detta först"},
    "report.explains": {"en": "explains {n} more findings", "sv": "förklarar {n} anmärkningar till"},
    "report.explains_one": {"en": "explains one more finding", "sv": "förklarar en anmärkning till"},
    "report.made_by": {"en": "Made with ena-grunddata", "sv": "Skapad med ena-grunddata"},

    # ------------------------------------------------------------------ text report (render/formats.py)
    "text.more": {"en": "more findings not shown (counts are exact)",
                  "sv": "anmärkningar visas inte (antalen stämmer)"},
    "text.explains": {"en": "fix this first: it explains the {n} findings below",
                      "sv": "rätta detta först: det förklarar de {n} anmärkningarna nedan"},
    "text.explains_one": {"en": "fix this first: it explains the finding below",
                          "sv": "rätta detta först: det förklarar anmärkningen nedan"},
    "text.summary": {
        "en": "{counts} in {resources} resources from {sources} sources: {verdict} ({fail_on}: {threshold})",
        "sv": "{counts} i {resources} resurser från {sources} källor: {verdict} ({fail_on}: {threshold})"},

    # ------------------------------------------------------------------ Markdown report (render/markdown.py)
    "markdown.title": {"en": "ena-grunddata validation", "sv": "ena-grunddata validering"},
    "markdown.top": {"en": "Top rules", "sv": "Vanligaste reglerna"},
    "markdown.count": {"en": "Count", "sv": "Antal"},
    "markdown.message": {"en": "Message", "sv": "Meddelande"},
    "markdown.findings": {"en": "Findings", "sv": "Anmärkningar"},
    "markdown.property": {"en": "Property", "sv": "Egenskap"},
    "markdown.more": {"en": "more", "sv": "till"},
    "markdown.caused_by": {"en": "caused by", "sv": "orsakas av"},

    # ------------------------------------------------------------------ JUnit report (render/junit.py)
    "junit.caused_by": {"en": "(caused by {code}: fix that first)", "sv": "(orsakas av {code}: rätta det först)"},

    # ------------------------------------------------------------------ HTML report (render/html.py, templates/)
    "html.title": {"en": "Validation report", "sv": "Valideringsrapport"},
    "html.resources": {"en": "Resources with findings", "sv": "Resurser med anmärkningar"},
    "html.profiles": {"en": "Profiles", "sv": "Profiler"},
    "html.profile": {"en": "Profile", "sv": "Profil"},
    "html.profile_user": {"en": "your shapes (--shapes)", "sv": "egna regler (--shapes)"},
    "html.by_severity": {"en": "Findings per severity", "sv": "Anmärkningar per allvarlighetsgrad"},
    "html.by_rule": {"en": "Findings per rule", "sv": "Anmärkningar per regel"},
    "html.filters": {"en": "Filter", "sv": "Filtrera"},
    "html.all": {"en": "all", "sv": "alla"},
    "html.more_rules": {"en": "more rules", "sv": "regler till"},
    "html.cut": {"en": "This page is cut short: it shows {shown} of the {total} findings, on the cards of the first "
                       "{cards} resources (at most {most} findings, a card without findings counting as one; "
                       "`--max-findings N` sets the number). The counts and charts above cover every finding, and "
                       "`--format json`, `sarif` and `junit` list them all.",
                 "sv": "Sidan är avkortad: den visar {shown} av {total} anmärkningar, på korten för de första {cards} "
                       "resurserna (högst {most} anmärkningar, där ett kort utan anmärkningar räknas som en; "
                       "`--max-findings N` anger antalet). Antalen och diagrammen ovan omfattar alla anmärkningar, "
                       "och `--format json`, `sarif` och `junit` listar dem alla."},
    "html.card_more": {"en": "… {n} more findings of this resource are not shown on this page",
                       "sv": "… ytterligare {n} anmärkningar för den här resursen visas inte på sidan"},
    "html.catalog_scores": {"en": "Catalog scores", "sv": "Katalogernas poäng"},
    "html.because": {"en": "Because of this:", "sv": "Följer av detta:"},
    "html.its": {"en": "its {what}", "sv": "dess {what}"},
    "html.of": {"en": "the {what} of {whom}", "sv": "{what} för {whom}"},

    # ------------------------------------------------------------------ suppressed findings (render/suppressed.py)
    "suppressed.title": {"en": "Suppressed (not counted)", "sv": "Undantagna (räknas inte)"},
    "suppressed.baseline": {"en": "{n} finding(s) known from the baseline are not shown",
                            "sv": "{n} anmärkning(ar) som finns i baslinjen visas inte"},
    "suppressed.gone": {"en": "{n} finding(s) of the baseline are gone (fixed)",
                        "sv": "{n} anmärkning(ar) i baslinjen finns inte längre (åtgärdade)"},
    "suppressed.reason": {"en": "Reason", "sv": "Motivering"},
    "suppressed.by.comment": {"en": "comment", "sv": "kommentar"},
    "suppressed.by.config": {"en": "configuration", "sv": "konfiguration"},
    "suppressed.by.baseline": {"en": "baseline", "sv": "baslinje"},

    # ------------------------------------------------------------------ suppression comments (validation/)
    "suppression.unused": {
        "en": "This comment suppresses {code} here, but there is no such finding: remove the comment.",
        "sv": "Kommentaren undertrycker {code} här, men det finns ingen sådan anmärkning: ta bort kommentaren."},
    "suppression.no_reason": {
        "en": "The suppression of {code} gives no reason: write why the rule does not apply after the bracket.",
        "sv": "Undantaget för {code} saknar motivering: skriv efter hakparentesen varför regeln inte gäller."},
    "suppression.syntax": {
        "en": "Cannot read this ena-grunddata comment: write `# ena-grunddata: ignore[CODE] reason`.",
        "sv": "Kan inte läsa ena-grunddata-kommentaren: skriv `# ena-grunddata: ignore[KOD] motivering`."},

    # ------------------------------------------------------------------ quality score (validation/score.py)
    "score.title": {"en": "Quality score", "sv": "Kvalitetspoäng"},
    "score.heading": {"en": "Quality score (max {max}, in the spirit of the data.europa.eu MQA; docs/quality-score.md)",
                      "sv": "Kvalitetspoäng (högst {max}, i andan av data.europa.eu MQA; docs/quality-score.md)"},
    "score.points": {"en": "Points", "sv": "Poäng"},
    "score.rating": {"en": "Rating", "sv": "Betyg"},
    "score.missing": {"en": "missing", "sv": "saknas"},
    "score.mean": {"en": "mean of {n} datasets", "sv": "medel av {n} datamängder"},
    "score.mean_one": {"en": "mean of 1 dataset", "sv": "medel av 1 datamängd"},
    "score.no_datasets": {"en": "no datasets", "sv": "inga datamängder"},
    "score.nothing": {"en": "No datasets to score.", "sv": "Inga datamängder att poängsätta."},
    "score.dimension.findability": {"en": "findability", "sv": "sökbarhet"},
    "score.dimension.accessibility": {"en": "accessibility", "sv": "åtkomlighet"},
    "score.dimension.interoperability": {"en": "interoperability", "sv": "interoperabilitet"},
    "score.dimension.reusability": {"en": "reusability", "sv": "återanvändbarhet"},
    "score.dimension.contextuality": {"en": "contextuality", "sv": "sammanhang"},
    "score.rating.excellent": {"en": "excellent", "sv": "utmärkt"},
    "score.rating.good": {"en": "good", "sv": "bra"},
    "score.rating.sufficient": {"en": "sufficient", "sv": "tillräcklig"},
    "score.rating.bad": {"en": "bad", "sv": "dålig"},
    "score.check.keyword": {"en": "keywords (dcat:keyword)", "sv": "nyckelord (dcat:keyword)"},
    "score.check.theme": {"en": "themes (dcat:theme)", "sv": "teman (dcat:theme)"},
    "score.check.spatial": {"en": "spatial coverage (dcterms:spatial)", "sv": "geografiskt område (dcterms:spatial)"},
    "score.check.temporal": {"en": "temporal coverage (dcterms:temporal)", "sv": "tidsperiod (dcterms:temporal)"},
    "score.check.access_url": {"en": "access URL (dcat:accessURL)", "sv": "åtkomstadress (dcat:accessURL)"},
    "score.check.download_url": {"en": "download URL (dcat:downloadURL)",
                                 "sv": "nedladdningsadress (dcat:downloadURL)"},
    "score.check.format": {"en": "format (dcterms:format)", "sv": "format (dcterms:format)"},
    "score.check.media_type": {"en": "media type (dcat:mediaType)", "sv": "medietyp (dcat:mediaType)"},
    "score.check.format_vocabulary": {"en": "format or media type from a vocabulary",
                                      "sv": "format eller medietyp från ett vokabulär"},
    "score.check.non_proprietary": {"en": "non-proprietary format", "sv": "öppet (icke-proprietärt) format"},
    "score.check.machine_readable": {"en": "machine-readable format", "sv": "maskinläsbart format"},
    "score.check.conformity": {"en": "no violations of the profiles", "sv": "inga fel mot profilerna"},
    "score.check.license": {"en": "licence (dcterms:license)", "sv": "licens (dcterms:license)"},
    "score.check.license_vocabulary": {"en": "licence from a vocabulary", "sv": "licens från ett vokabulär"},
    "score.check.access_rights": {"en": "access rights (dcterms:accessRights)",
                                  "sv": "åtkomsträttigheter (dcterms:accessRights)"},
    "score.check.access_rights_vocabulary": {"en": "access rights from a vocabulary",
                                             "sv": "åtkomsträttigheter från ett vokabulär"},
    "score.check.contact_point": {"en": "contact point (dcat:contactPoint)", "sv": "kontaktuppgift (dcat:contactPoint)"},
    "score.check.publisher": {"en": "publisher (dcterms:publisher)", "sv": "utgivare (dcterms:publisher)"},
    "score.check.rights": {"en": "rights (dcterms:rights)", "sv": "rättigheter (dcterms:rights)"},
    "score.check.byte_size": {"en": "file size (dcat:byteSize)", "sv": "filstorlek (dcat:byteSize)"},
    "score.check.issued": {"en": "release date (dcterms:issued)", "sv": "utgivningsdatum (dcterms:issued)"},
    "score.check.modified": {"en": "modification date (dcterms:modified)", "sv": "ändringsdatum (dcterms:modified)"},

    # ------------------------------------------------------------------ base-data domains (validation/domains.py)
    "domains.domain": {"en": "Base-data domain", "sv": "Grunddatadomän"},
    "domains.attested": {"en": "attested", "sv": "belagd"},
    "domains.provisional": {"en": "provisional concept IRI", "sv": "preliminär begrepps-IRI"},
    "domains.concept": {"en": "concept", "sv": "begrepp"},
    "domains.agency": {"en": "responsible agency", "sv": "ansvarig myndighet"},
    "domains.producers": {"en": "registered producers", "sv": "registrerade producenter"},
    "domains.theme": {"en": "suggested EU theme", "sv": "föreslaget EU-tema"},
    "domains.hvd": {"en": "related HVD category", "sv": "närliggande HVD-kategori"},
    "domains.rules": {"en": "grunddata rules (on top of DCAT-AP-SE)", "sv": "grunddataregler (utöver DCAT-AP-SE)"},
    "domains.summary": {"en": "{count} base-data domains", "sv": "{count} grunddatadomäner"},

    # ------------------------------------------------------------------ the publishing gate (publish/gate.py)
    "gate.placeholders.one": {"en": "{n} placeholder ({placeholder}) left from `init`",
                              "sv": "{n} platshållare ({placeholder}) kvar från `init`"},
    "gate.placeholders.other": {"en": "{n} placeholders ({placeholder}) left from `init`",
                                "sv": "{n} platshållare ({placeholder}) kvar från `init`"},
    "gate.and": {"en": "{first} and {second}", "sv": "{first} och {second}"},
    "gate.refused": {
        "en": "not {done}: the catalog has {problems} (fix them, or pass --allow-invalid to {verb} anyway; "
              "--no-validate skips the check)",
        "sv": "inte {done}: katalogen har {problems} (rätta dem, eller ange --allow-invalid för att ändå {verb}; "
              "--no-validate hoppar över kontrollen)"},
    "gate.allowed": {"en": "{verbing} despite {problems} (--allow-invalid)",
                     "sv": "{verbing} trots {problems} (--allow-invalid)"},
    "gate.skipped": {"en": "not validated (--no-validate): violations and placeholders were not checked",
                     "sv": "inte validerad (--no-validate): fel och platshållare kontrollerades inte"},
    "gate.export.done": {"en": "exported", "sv": "exporterad"},
    "gate.export.verb": {"en": "export", "sv": "exportera"},
    "gate.export.verbing": {"en": "exporting", "sv": "exporterar"},
    "gate.publish.done": {"en": "published", "sv": "publicerad"},
    "gate.publish.verb": {"en": "publish", "sv": "publicera"},
    "gate.publish.verbing": {"en": "publishing", "sv": "publicerar"},
    "gate.serve.done": {"en": "served", "sv": "serverad"},
    "gate.serve.verb": {"en": "serve", "sv": "servera"},
    "gate.serve.verbing": {"en": "serving", "sv": "serverar"},
    "gate.placeholder_finding": {
        "en": "still holds the placeholder {placeholder} from `init`: replace it before publishing ({shown})",
        "sv": "innehåller fortfarande platshållaren {placeholder} från `init`: ersätt den före "
              "publicering ({shown})"},

    # ------------------------------------------------------------------ the exported catalog page (publish/export.py)
    "export.title": {"en": "Data catalog", "sv": "Datakatalog"},
    "export.datasets": {"en": "Datasets", "sv": "Datamängder"},
    "export.services": {"en": "Data services", "sv": "Datatjänster"},
    "export.other": {"en": "Other datasets", "sv": "Övriga datamängder"},
    "export.links": {"en": "Links", "sv": "Länkar"},
    "export.status": {"en": "Validation", "sv": "Validering"},
    "export.landing": {"en": "Landing page", "sv": "Webbsida"},
    "export.download": {"en": "Download", "sv": "Ladda ned"},
    "export.access_url": {"en": "Access", "sv": "Åtkomst"},
    "export.endpoint": {"en": "Endpoint", "sv": "Ändpunkt"},
    "export.ok": {"en": "no findings", "sv": "inga anmärkningar"},
    "export.machine": {"en": "Machine-readable catalog (DCAT-AP-SE)", "sv": "Maskinläsbar katalog (DCAT-AP-SE)"},
    "export.not_validated": {"en": "not validated", "sv": "ej validerad"},
    "export.summary": {"en": "{n} datasets, {s} data services, {t} triples",
                       "sv": "{n} datamängder, {s} datatjänster, {t} tripplar"},
    "export.none": {"en": "none", "sv": "saknas"},

    # ------------------------------------------------------------------ describe (commands/describe.py, description/)
    "describe.counts": {"en": "{e} error(s), {w} warning(s)", "sv": "{e} fel, {w} varning(ar)"},
    "describe.nothing_written": {"en": "; nothing written", "sv": "; inget skrevs"},
    "schema.duplicate_key": {"en": "the key '{key}' appears twice; the last one wins",
                             "sv": "nyckeln '{key}' förekommer två gånger; den sista gäller"},
    "schema.empty": {"en": "the file is empty: start from `ena-grunddata init`",
                     "sv": "filen är tom: börja med `ena-grunddata init`"},
    "schema.unknown_key": {"en": "unknown key {key}", "sv": "okänd nyckel {key}"},
    "schema.type": {"en": "'{key}' must be {expected}, not {actual}",
                    "sv": "'{key}' ska vara {expected}, inte {actual}"},
    "schema.type_quote": {"en": "'{key}' must be {expected}, not {actual} (put it in quotes to make it text)",
                          "sv": "'{key}' ska vara {expected}, inte {actual} (sätt citattecken runt värdet för att "
                                "göra det till text)"},
    "schema.type_code": {"en": "'{key}' must be a code (text), not {actual}",
                         "sv": "'{key}' ska vara en kod (text), inte {actual}"},
    "schema.orgnr": {"en": "'orgnr': {value} is not an organisation number (ten digits, e.g. 202100-5489)",
                     "sv": "'orgnr': {value} är inget organisationsnummer (tio siffror, t.ex. 202100-5489)"},
    "schema.range": {"en": "'{key}': {value} is out of range",
                     "sv": "'{key}': {value} är utanför tillåtet intervall"},
    "schema.language": {"en": "'{value}' is not a language tag (use sv, en, …)",
                        "sv": "'{value}' är ingen språktagg (använd sv, en, …)"},
    "schema.unknown_value": {
        "en": "'{value}' is not a known value for '{key}' (known: {known}; or a full IRI)",
        "sv": "'{value}' är inget känt värde för '{key}' (kända: {known}; eller en fullständig IRI)"},
    "schema.pattern": {"en": "'{key}': '{value}' is not {what}", "sv": "'{key}': '{value}' är inte {what}"},
    "schema.pattern.language": {"en": "a language tag such as sv or en", "sv": "en språktagg som sv eller en"},
    "schema.pattern.date": {"en": "a date (YYYY-MM-DD, a date-time or a year)",
                            "sv": "ett datum (ÅÅÅÅ-MM-DD, datum och tid, eller ett år)"},
    "schema.pattern.orgnr": {"en": "an organisation number (NNNNNN-NNNN)",
                             "sv": "ett organisationsnummer (NNNNNN-NNNN)"},
    "schema.pattern.media_type": {"en": "a media type such as text/csv", "sv": "en medietyp som text/csv"},
    "schema.pattern.iri": {"en": "an absolute IRI such as https://example.se/…",
                           "sv": "en absolut IRI som https://example.se/…"},
    "schema.pattern.other": {"en": "of the form {pattern}", "sv": "på formen {pattern}"},
    "schema.placeholder": {"en": "replace the placeholder {placeholder} in '{value}'",
                           "sv": "ersätt platshållaren {placeholder} i '{value}'"},
    "schema.suggestion": {"en": "{message} (did you mean '{suggestion}'?)",
                          "sv": "{message} (menade du '{suggestion}'?)"},
    "schema.id_missing": {"en": "give this resource an `id` (its IRI), or set `base` at the top of the file so one is "
                                "made from its key",
                          "sv": "ge resursen ett `id` (dess IRI), eller sätt `base` överst i filen så skapas ett av "
                                "nyckeln"},
    "schema.not_iri": {"en": "'{value}' is not an IRI (or write the object here as key: value)",
                       "sv": "'{value}' är ingen IRI (eller skriv objektet här som nyckel: värde)"},
    "schema.no_such_key": {"en": "'{value}' is neither a key under {where} nor an IRI",
                           "sv": "'{value}' är varken en nyckel under {where} eller en IRI"},
    "schema.extra": {"en": "the `extra` statements do not parse: {error}",
                     "sv": "satserna i `extra` går inte att läsa: {error}"},
    # JSON types, as `'key' must be …` names them
    "schema.json.string": {"en": "text", "sv": "text"},
    "schema.json.object": {"en": "a mapping (key: value)", "sv": "en mappning (nyckel: värde)"},
    "schema.json.array": {"en": "a list", "sv": "en lista"},
    "schema.json.integer": {"en": "a whole number", "sv": "ett heltal"},
    "schema.json.number": {"en": "a number", "sv": "ett tal"},
    "schema.json.null": {"en": "empty", "sv": "tom"},
    "schema.json.boolean": {"en": "true/false", "sv": "true/false"},
    "schema.json.mapping": {"en": "a mapping", "sv": "en mappning"},
    "word.or": {"en": "{first} or {second}", "sv": "{first} eller {second}"},
}


def language(lang: str | None) -> str:
    """The catalogue's language for `lang`: its primary subtag when the catalogue has it ("sv-SE" -> "sv"), else
    English."""
    primary = (lang or "").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else FALLBACK


def tr(key: str, lang: str | None = FALLBACK, /, **values) -> str:
    """The text `key` in `lang`, its {placeholders} filled from `values`. A value may be a function of the language
    (a word that must itself be said in that language). An unknown key is a bug: KeyError."""
    lang = language(lang)
    text = MESSAGES[key][lang]
    if not values:
        return text
    return text.format(**{name: value(lang) if callable(value) else value for name, value in values.items()})


def both(key: str, /, **values) -> dict[str, str]:
    """{language: text} for every language of the catalogue: a Finding's messages."""
    return {lang: tr(key, lang, **values) for lang in LANGUAGES}


def capital(text: str) -> str:
    """The text with a capital first letter (a heading or a table header), the rest unchanged."""
    return text[:1].upper() + text[1:]


def severity(label: str, lang: str | None, *, plural: bool = False) -> str:
    """The word for a severity ("violation", "warning", "info"): "varning", or with plural=True "varningar"."""
    return tr((SEVERITIES_PLURAL if plural else SEVERITIES)[label], lang)


SEVERITIES = {"violation": "severity.violation", "warning": "severity.warning", "info": "severity.info"}
SEVERITIES_PLURAL = {"violation": "severities.violation", "warning": "severities.warning", "info": "severities.info"}


def alternatives(items, lang: str | None) -> str:
    """'a or b or c' ('a eller b eller c')."""
    items = list(items)
    text = items[0] if items else ""
    for item in items[1:]:
        text = tr("word.or", lang, first=text, second=item)
    return text


def count(n: int, label: str, lang: str | None) -> str:
    """'1 violation', '2 violations' ('1 fel', '2 fel'): a number of findings of one severity."""
    return f"{n} {severity(label, lang, plural=n != 1)}"
