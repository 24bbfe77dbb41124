# A small custom exception hierarchy used by a service.
class InventoryError(Exception):
    """Base for inventory failures."""


class UnknownSkuError(InventoryError):
    def __init__(self, sku: str) -> None:
        super().__init__(f"unknown sku {sku}")
        self.sku = sku


class OutOfStockError(InventoryError):
    def __init__(self, sku: str, requested: int, available: int) -> None:
        super().__init__(f"{sku}: requested {requested}, available {available}")
        self.sku, self.requested, self.available = sku, requested, available


class Inventory:
    def __init__(self, stock: dict[str, int]) -> None:
        self._stock = dict(stock)

    def reserve(self, sku: str, qty: int) -> None:
        if sku not in self._stock:
            raise UnknownSkuError(sku)
        if self._stock[sku] < qty:
            raise OutOfStockError(sku, qty, self._stock[sku])
        self._stock[sku] -= qty
