# Mutable default argument shared across calls (B006).
def add_tag(item: dict[str, object], tags: list[str] = []) -> list[str]:
    tags.append(str(item["name"]))
    return tags
