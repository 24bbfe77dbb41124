# BAD: RawSQL annotation whose SQL text interpolates the currency code from the request.
from django.db.models.expressions import RawSQL
from django.http import JsonResponse
from django.views import View

from billing.models import Subscription


class SubscriptionPrices(View):
    def get(self, request):
        currency = request.GET.get("currency", "USD")
        subs = Subscription.objects.annotate(
            local_price=RawSQL(
                f"SELECT price * rate FROM fx_rates WHERE code = '{currency}'",
                (),
            )
        ).order_by("id")
        data = [
            {
                "id": s.id,
                "plan": s.plan,
                "price": float(s.local_price or 0),
            }
            for s in subs
        ]
        return JsonResponse({"currency": currency, "subscriptions": data})
