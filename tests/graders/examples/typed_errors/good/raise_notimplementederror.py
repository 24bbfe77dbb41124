# Abstract base uses NotImplementedError; implementations raise typed errors.
class PaymentError(Exception):
    pass


class CardDeclinedError(PaymentError):
    pass


class Gateway:
    def charge(self, amount_cents: int, token: str) -> str:
        raise NotImplementedError


class FakeGateway(Gateway):
    def charge(self, amount_cents: int, token: str) -> str:
        if token == "tok_declined":
            raise CardDeclinedError(token)
        return "ch_123"
