"""Money: Decimal pounds and pence, never float (rule 1). The one rounding helper."""

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def to_money(value) -> Decimal:
    """The one rounding helper: to the penny, half up, from a Decimal, int or string."""
    if isinstance(value, float):
        raise TypeError("Money is never a float.")
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def gbp(value) -> str:
    """£1,234.50, as a person reads it."""
    return f"£{to_money(value):,.2f}"
