"""SHACL shapes shipped with ena-grunddata (data, not code)."""
