# Ambiguous variable name `l` (E741) and a lambda assigned to a name (E731).
def longest(words: list[str]) -> int:
    l = [len(w) for w in words]
    key = lambda n: -n
    return sorted(l, key=key)[0]
