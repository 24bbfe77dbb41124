# Django view json.loads(request.body) and uses the dict without checks.
import json

from django.http import JsonResponse

from .models import Order


def create_order(request):
    payload = json.loads(request.body)
    order = Order.objects.create(sku=payload["sku"], quantity=payload["quantity"], note=payload.get("note", ""))
    return JsonResponse({"id": order.id}, status=201)
