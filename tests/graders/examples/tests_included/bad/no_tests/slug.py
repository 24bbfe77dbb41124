# bad: no tests at all
def slugify(text: str) -> str:
    return text.lower().replace(" ", "-")
