"""What a service costs, as every output shows it.

Whether a service is free is decided with the directory's filters (`content.facets.is_free`):
only when it lists cost options and every one of them is free. Each option is shown with its amount
in its currency, formatted by Babel (CLDR) for the reader's language, and its own words.
A service with no cost information says nothing about cost, or "Ask about cost."
"""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import format_currency

from haven.cache import kept_text
from haven.content.schema import CostOption, Service


@lru_cache(maxsize=1024)
def format_money(amount: float, currency: str, locale: str | None) -> str:
    """`amount` in `currency` as written in `locale` ("$25.00", "25,00 US$", "£35.00"); kept
    in Haven's cache folder once formatted (haven.cache.kept_text: Babel loads the locale's
    whole CLDR data for its first amount)."""
    return kept_text(locale or "en", f"money|{amount!r}|{currency}",
                     lambda: _format_money(amount, currency, locale or "en"))


def _format_money(amount: float, currency: str, locale: str) -> str:
    try:
        return str(format_currency(amount, currency, locale=locale))
    except (ValueError, LookupError):  # an unknown locale: amount and ISO code
        return f"{amount:g} {currency}"


def option_text(option: CostOption, locale: str | None, free_word: str) -> str:
    """One cost option as plain text: "Adults: $25.00", "Children: free", "$10.00"."""
    if option.amount is None:
        amount = ""
    elif option.amount == 0:
        amount = free_word
    else:
        amount = format_money(option.amount, option.currency, locale)
    if option.option and amount:
        return f"{option.option}: {amount}"
    return str(option.option or amount)


def cost_text(service: Service, locale: str | None, free_word: str) -> str:
    """Every cost option of a service, then its fees description, as one line of text."""
    parts = [option_text(c, locale, free_word) for c in service.cost_options]
    if service.fees_description:
        parts.append(str(service.fees_description))
    return "; ".join(p for p in parts if p)
