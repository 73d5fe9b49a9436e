"""The PII inventory in docs/ lists exactly the fields the models declare as personal data."""

import re
from pathlib import Path

from django.apps import apps

DOC = Path(__file__).resolve().parents[2] / "docs" / "pi-inventory.md"


def test_inventory_matches_declared_pii_fields():
    declared = {(model._meta.label, name) for model in apps.get_models() for name in getattr(model, "PII_FIELDS", ())}
    documented = set(re.findall(r"^\| (\w+\.\w+) \| (\w+) \|", DOC.read_text(), flags=re.M))
    assert documented == declared
