# GOOD: domain exception hierarchy; the service raises specific subclasses the API layer can map.
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Customer


class DomainError(Exception):
    """Base for errors the API maps to 4xx responses."""


class NotFoundError(DomainError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


@dataclass
class CustomerDTO:
    id: int
    name: str


class CustomerService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: int) -> CustomerDTO:
        customer = self.session.scalar(select(Customer).where(Customer.id == customer_id))
        if customer is None:
            raise NotFoundError("customer", customer_id)
        return CustomerDTO(id=customer.id, name=customer.name)
