# Narrow KeyError handled deliberately by falling back to a default.
DEFAULT_LOCALE = "en"
MESSAGES = {"en": {"hello": "Hello"}, "fr": {"hello": "Bonjour"}}


def translate(key: str, locale: str) -> str:
    try:
        catalog = MESSAGES[locale]
    except KeyError:
        catalog = MESSAGES[DEFAULT_LOCALE]
    return catalog.get(key, key)
