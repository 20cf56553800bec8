"""SKOS vocabularies shipped with ena-grunddata (data, not code)."""
