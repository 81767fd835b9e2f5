"""UK organisation identifiers: checking their format and deriving the org-id.

org-id (https://org-id.guide) is what 360Giving and OCDS use to name an organisation:
`GB-CHC-` for a charity registered in England and Wales, `GB-SC-` in Scotland, `GB-COH-`
for Companies House, `GB-LAE-` for an English local authority. A group with none of those
gets an identifier under the publisher's own 360G prefix (DESIGN §5).
"""

import re

_SPACES = re.compile(r"[\s\-]+")
CHARITY_EW = re.compile(r"^\d{6,7}$")
CHARITY_SCOTLAND = re.compile(r"^SC\d{6}$")
# Companies House numbers are eight characters: eight digits (England and Wales), or a
# two-letter prefix (SC, NI, OC, SO, NC, R0, ...) and six digits.
COMPANY = re.compile(r"^(\d{8}|[A-Z][A-Z0-9]\d{6})$")
LOCAL_AUTHORITY = re.compile(r"^[A-Z]{3,4}$")
UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})$")


class IdentifierError(ValueError):
    pass


def normalise_charity_number(raw: str) -> str:
    value = _SPACES.sub("", raw or "").upper()
    if not value:
        return ""
    if CHARITY_EW.match(value) or CHARITY_SCOTLAND.match(value):
        return value
    raise IdentifierError(
        f"'{raw}' is not a charity number: one registered in England and Wales has 6 or 7 "
        "digits (like 1012345), one in Scotland is SC and 6 digits (like SC012345)."
    )


def normalise_company_number(raw: str) -> str:
    value = _SPACES.sub("", raw or "").upper()
    if not value:
        return ""
    if value.isdigit() and 6 <= len(value) < 8:
        # Companies House numbers are often written without their leading zeros.
        value = value.zfill(8)
    if COMPANY.match(value):
        return value
    raise IdentifierError(
        f"'{raw}' is not a Companies House number: it has 8 characters, either 8 digits "
        "(like 01234567) or two letters and 6 digits (like SC123456)."
    )


def normalise_local_authority_code(raw: str) -> str:
    value = (raw or "").strip().upper()
    if not value:
        return ""
    if LOCAL_AUTHORITY.match(value):
        return value
    raise IdentifierError(
        f"'{raw}' is not a local authority register code: it is 3 or 4 letters (like WRL)."
    )


def normalise_postcode(raw: str) -> str:
    value = " ".join((raw or "").upper().split())
    if not value:
        return ""
    match = UK_POSTCODE.match(value)
    if not match:
        raise IdentifierError(f"'{raw}' is not a UK postcode (like CH41 5LH).")
    return f"{match.group(1)} {match.group(2)}"


def org_id_for(
    *,
    charity_number: str,
    company_number: str,
    local_authority_code: str,
    fallback: str,
) -> str:
    """The org-id, preferring the charity register as 360Giving's guidance does."""
    if local_authority_code:
        return f"GB-LAE-{local_authority_code}"
    if charity_number.startswith("SC"):
        return f"GB-SC-{charity_number}"
    if charity_number:
        return f"GB-CHC-{charity_number}"
    if company_number:
        return f"GB-COH-{company_number}"
    return fallback
