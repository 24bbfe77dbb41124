# Raises the Exception class itself on an invalid state transition.
TRANSITIONS = {"draft": {"published"}, "published": {"archived"}}


def transition(current: str, target: str) -> str:
    if target not in TRANSITIONS.get(current, set()):
        raise Exception
    return target
