# Compares to None and True with == (E711, E712).
def status(user: dict[str, object]) -> str:
    if user.get("deleted_at") == None:
        return "active"
    if user.get("banned") == True:
        return "banned"
    return "deleted"
