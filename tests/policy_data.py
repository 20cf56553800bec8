"""Small data for the configuration, suppression and baseline tests: user shapes on classes of our own, so the
built-in profiles (which target DCAT classes) add nothing and every expected finding is known by hand."""

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ena: <https://w3id.org/ena-grunddata/ns#> .
@prefix ex: <https://example.se/ns#> .
ex:Violating a sh:NodeShape ; sh:targetClass ex:Strict ;
    sh:property [ sh:path dcterms:title ; sh:minCount 1 ; sh:severity sh:Violation ; ena:code "EX-TITLE" ;
                  sh:message "No title."@en ] .
ex:Warning a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path dcterms:description ; sh:minCount 1 ; sh:severity sh:Warning ; ena:code "EX-DESCRIPTION" ;
                  sh:message "No description."@en ] .
ex:Info a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path dcterms:modified ; sh:minCount 1 ; sh:severity sh:Info ; ena:code "EX-MODIFIED" ;
                  sh:message "No modification date."@en ] .
ex:InfoOnly a sh:NodeShape ; sh:targetClass ex:Noted ;
    sh:property [ sh:path dcterms:modified ; sh:minCount 1 ; sh:severity sh:Info ; ena:code "EX-NOTED" ;
                  sh:message "No modification date."@en ] .
"""
PREFIXES = "@prefix ex: <https://example.se/ns#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
# one warning (EX-DESCRIPTION) and one info (EX-MODIFIED) per thing
TWO_THINGS = PREFIXES + """
<https://example.se/a> a ex:Thing ;
    dcterms:title "A" .

<https://example.se/b> a ex:Thing ;
    dcterms:title "B" .
"""
# only infos
NOTED = PREFIXES + "\n<https://example.se/n> a ex:Noted .\n"


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
