"""The library's public names resolve to the functions the commands use."""

import importlib

import pytest

import ena_grunddata


@pytest.mark.parametrize("name", ena_grunddata.__all__)
def test_every_public_name_resolves(name):
    assert getattr(ena_grunddata, name) is not None


@pytest.mark.parametrize("name,module", [("make_app", "publish.serve"), ("build_description", "description.api"),
                                         ("list_domains", "validation.domains"), ("json_schema", "description.api")])
def test_lazy_names_are_the_module_functions(name, module):
    assert getattr(ena_grunddata, name) is getattr(importlib.import_module(f"ena_grunddata.{module}"), name)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        ena_grunddata.no_such_thing  # noqa: B018
