# Defines a custom hierarchy but still raises Exception on one path.
class InventoryError(Exception):
    """Base for inventory failures."""


class OutOfStockError(InventoryError):
    pass


class Inventory:
    def __init__(self) -> None:
        self._stock: dict[str, int] = {}

    def reserve(self, sku: str, qty: int) -> None:
        if qty <= 0:
            raise Exception("quantity must be positive")
        available = self._stock.get(sku, 0)
        if available < qty:
            raise OutOfStockError(sku)
        self._stock[sku] = available - qty
