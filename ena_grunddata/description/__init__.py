"""The YAML/JSON description format: model (the key table), source (YAML with positions), schema, check, build
(description -> RDF), parse (RDF -> description), identifiers (minting and writing back)."""
