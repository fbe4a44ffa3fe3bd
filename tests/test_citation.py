"""CITATION.cff is valid Citation File Format 1.2.0 and names the version the package has."""

import json
from importlib import metadata
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_citation_file_is_valid_and_cites_this_version():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-cff-1.2.0.json").read_text())
    jsonschema.validate(citation, schema, format_checker=jsonschema.FormatChecker())
    assert str(citation["version"]) == metadata.version("sim")
