# BAD: Django view catches Exception and returns JsonResponse({"error": ...}) with the default 200 status.
import json
import logging

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from orders.services import place_order

logger = logging.getLogger(__name__)


@require_POST
def create_order(request):
    try:
        payload = json.loads(request.body)
        order = place_order(
            user=request.user,
            sku=payload["sku"],
            quantity=int(payload.get("quantity", 1)),
        )
    except Exception as exc:
        logger.warning("order failed", extra={"error": str(exc)})
        return JsonResponse({"error": "could not place order"})
    return JsonResponse({"order_id": order.id, "status": order.status}, status=201)


def order_status(request, order_id: int):
    return JsonResponse({"order_id": order_id})
