"""What a definition prints stands on its own: no maintainer's notes, no citation of files outside the repository.

"待核实" and "示意" belong in `uncertain` and YAML comments, which never reach print.
The office's facts (address, windows, phones) are the office profile's, checked at start
for the same marks (tests/test_office_profile_is_declared_once_and_checked_at_start.py).
"""

import pytest

from workflows.catalogue import load_catalogue

CATALOGUE = load_catalogue()
CODES = [v.code for v in CATALOGUE.matters()]
NOT_PRINTED = {"uncertain"}
MAINTAINER_WORDS = ("待核实", "示意", "DOMAIN")


def printed_strings(value, path=""):
    """(field path, text) for every string in a definition's printed fields."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not (path == "" and key in NOT_PRINTED):
                yield from printed_strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from printed_strings(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def test_the_walk_sees_nested_fields_and_skips_only_the_unprinted_ones():
    fields = dict(printed_strings({"uncertain": ["待核实"], "source": "《条例》",
                                   "materials": [{"condition": {"when": "已购置车辆的"}}]}))
    assert fields == {"source": "《条例》", "materials[0].condition.when": "已购置车辆的"}


@pytest.mark.parametrize("code", CODES)
def test_no_printed_field_carries_a_maintainer_note(code):
    d = CATALOGUE.get(code).definition
    found = [(path, text) for path, text in printed_strings(d.model_dump(mode="json"))
             if any(word in text for word in MAINTAINER_WORDS)]
    assert found == []


@pytest.mark.parametrize("code", CODES)
def test_the_file_cites_no_document_outside_the_repository(code):
    text = CATALOGUE.get(code).source_text
    assert "DOMAIN" not in text and ".md" not in text


@pytest.mark.parametrize("code", CODES)
def test_the_source_cites_the_laws_the_legal_bases_name(code):
    d = CATALOGUE.get(code).definition
    assert all(basis.law in d.source for basis in d.legal_bases)
