# Django RawSQL annotation with the currency code in the SQL text.
from django.db.models.expressions import RawSQL

from billing.models import Invoice


def invoices_in(currency: str):
    rate = RawSQL(f"SELECT rate FROM fx_rates WHERE code = '{currency}'", ())
    return Invoice.objects.annotate(rate=rate)
