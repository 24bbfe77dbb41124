# For each line item, loads its product with session.get.
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import LineItem, Product


def cart_total(session: Session, cart_id: int) -> float:
    total = 0.0
    items = session.scalars(select(LineItem).where(LineItem.cart_id == cart_id)).all()
    for item in items:
        product = session.get(Product, item.product_id)
        total += product.price * item.quantity
    return total
