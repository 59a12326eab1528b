"""Display helpers for the collaborative's own pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from collaboratives.selectors.core import plain_number

register = template.Library()


@register.filter(name="plain_number")
def plain_number_filter(value: Decimal | None) -> str:
    """``40.000`` -> "40", ``12.500`` -> "12.5" (``normalize`` would write 7E+1 for 70)."""
    return plain_number(value)
