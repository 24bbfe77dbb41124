# GOOD: SDK boundary wraps any client failure into a typed PaymentProviderError `from exc` and re-raises.
import logging
from dataclasses import dataclass

from app.vendor import StripeLikeClient

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    pass


class PaymentProviderError(PaymentError):
    pass


class CardDeclined(PaymentError):
    pass


@dataclass
class Charge:
    id: str
    status: str


def charge_card(client: StripeLikeClient, token: str, amount_cents: int) -> Charge:
    try:
        result = client.charges.create(source=token, amount=amount_cents, currency="eur")
    except Exception as exc:
        logger.warning("payment provider call failed", extra={"amount": amount_cents})
        raise PaymentProviderError("payment provider request failed") from exc
    if result["status"] == "declined":
        raise CardDeclined(result.get("decline_code", "unknown"))
    return Charge(id=result["id"], status=result["status"])
