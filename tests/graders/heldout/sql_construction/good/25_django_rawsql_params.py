# GOOD: RawSQL annotation with a %s placeholder and the currency in its params tuple.
from django.db.models.expressions import RawSQL
from django.http import JsonResponse
from django.views import View

from billing.models import Subscription

FX_SUBQUERY = "SELECT rate FROM fx_rates WHERE code = %s"


class SubscriptionPrices(View):
    def get(self, request):
        currency = request.GET.get("currency", "USD")
        subs = Subscription.objects.annotate(
            rate=RawSQL(FX_SUBQUERY, (currency,)),
        ).order_by("id")
        data = [
            {
                "id": s.id,
                "plan": s.plan,
                "price": float(s.price * (s.rate or 1)),
            }
            for s in subs
        ]
        return JsonResponse({"currency": currency, "subscriptions": data})
