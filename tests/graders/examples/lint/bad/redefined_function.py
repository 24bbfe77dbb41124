# Function redefined, the first definition is dead code (F811).
def serialize(order: dict[str, object]) -> dict[str, object]:
    return {"id": order["id"]}


def serialize(order: dict[str, object]) -> dict[str, object]:
    return {"id": order["id"], "total": order["total"]}
