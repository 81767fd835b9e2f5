"""The official 360Giving and OCDS schemas, loaded offline from ../shared/data.

They are the standards' own files and are never copied into this project (DESIGN §5).
Two traps, from ../shared/data/SOURCES.md:
- the 360Giving package schema refers to the grant schema at its 1.4.2 address while the
  grant schema's own $id says 1.4.3: we register the local file under both;
- without a format checker, an awardDate such as 2025-05-01 matches both of the accepted
  formats and the grant fails `oneOf`: we validate with real date checks.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from django.conf import settings
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

GRANT_SCHEMA_1_4_2 = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
    "360-giving-schema.json"
)
OCDS_RELEASE_SCHEMA = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


class SchemaMissing(RuntimeError):
    """The standards' files are not beside the checkout."""


def shared_data_dir() -> Path:
    configured = os.environ.get("SHARED_DATA_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR).parent / "shared" / "data"


def _load(relative: str) -> dict:
    path = shared_data_dir() / relative
    if not path.exists():
        raise SchemaMissing(
            f"The official schema {relative} is not at {path}. The standards' files live in "
            "../shared/data beside the checkout (or set SHARED_DATA_DIR); they are not "
            "copied into this project."
        )
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def threesixtygiving_package_validator() -> Draft202012Validator:
    package = _load("360giving/360-giving-package-schema.json")
    grant = _load("360giving/360-giving-schema.json")
    grant_resource = Resource(contents=grant, specification=DRAFT202012)
    registry = Registry().with_resources(
        [(grant["$id"], grant_resource), (GRANT_SCHEMA_1_4_2, grant_resource)]
    )
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def ocds_release_package_validator() -> Draft4Validator:
    package = _load("ocds/release-package-schema.json")
    release = _load("ocds/release-schema.json")
    registry = Registry().with_resource(
        OCDS_RELEASE_SCHEMA, Resource(contents=release, specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def schema_errors(validator, document: dict) -> list[str]:
    """Every error, as `path: message`, sorted so that reports are stable."""
    return sorted(
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(document)
    )
