"""Find the shapes and vocabularies shipped inside the package (works from any folder after pip install)."""

from importlib import resources


def shapes_files():
    return _ttl_files("ena_grunddata.shapes")


def vocabulary_files():
    return _ttl_files("ena_grunddata.vocabularies")


def shapes_file(name: str):
    return resources.files("ena_grunddata.shapes").joinpath(name)


def _ttl_files(package: str):
    folder = resources.files(package)
    return sorted((entry for entry in folder.iterdir() if entry.name.endswith(".ttl")), key=lambda e: e.name)
