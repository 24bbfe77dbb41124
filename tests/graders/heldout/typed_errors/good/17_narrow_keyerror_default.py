# GOOD: a narrow KeyError catch returning a documented default is deliberate, not swallowing broad failures.
from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    code: str
    currency: str
    decimal_sep: str


LOCALES: dict[str, Locale] = {
    "en-US": Locale("en-US", "USD", "."),
    "de-DE": Locale("de-DE", "EUR", ","),
    "fr-FR": Locale("fr-FR", "EUR", ","),
}
DEFAULT_LOCALE = LOCALES["en-US"]


def locale_for(header: str | None) -> Locale:
    """Pick the locale named by Accept-Language; unknown locales fall back to en-US by design."""
    if not header:
        return DEFAULT_LOCALE
    primary = header.split(",")[0].strip()
    try:
        return LOCALES[primary]
    except KeyError:
        return DEFAULT_LOCALE


def format_price(cents: int, header: str | None) -> str:
    loc = locale_for(header)
    whole, frac = divmod(cents, 100)
    return f"{whole}{loc.decimal_sep}{frac:02d} {loc.currency}"
