# BAD: service layer signals "not found" with a bare `raise Exception(...)` instead of a typed error.
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Customer


@dataclass
class CustomerDTO:
    id: int
    name: str
    email: str


class CustomerService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: int) -> CustomerDTO:
        customer = self.session.scalar(select(Customer).where(Customer.id == customer_id))
        if customer is None:
            raise Exception(f"customer {customer_id} not found")
        return CustomerDTO(id=customer.id, name=customer.name, email=customer.email)

    def rename(self, customer_id: int, name: str) -> CustomerDTO:
        customer = self.session.get(Customer, customer_id)
        if customer is None:
            raise Exception("customer not found")
        customer.name = name
        self.session.commit()
        return self.get(customer_id)
