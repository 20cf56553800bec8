"""Data files shipped with ena-grunddata."""
