# Django RawSQL annotation with a constant statement and params.
from django.db.models.expressions import RawSQL

from billing.models import Invoice


def invoices_in(currency: str):
    rate = RawSQL("SELECT rate FROM fx_rates WHERE code = %s", (currency,))
    return Invoice.objects.annotate(rate=rate).order_by("-issued_at")
