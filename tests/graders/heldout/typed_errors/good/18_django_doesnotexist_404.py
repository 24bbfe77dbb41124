# GOOD: Django view catches Model.DoesNotExist and raises Http404 from it; other errors propagate.
import json

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_http_methods

from orders.models import Order


class OrderStateError(Exception):
    pass


@require_http_methods(["POST"])
def cancel_order(request, order_id: int):
    try:
        order = Order.objects.get(pk=order_id, user=request.user)
    except Order.DoesNotExist as exc:
        raise Http404(f"order {order_id} not found") from exc
    if order.status == "shipped":
        return JsonResponse({"error": "order already shipped"}, status=409)
    order.status = "cancelled"
    order.save(update_fields=["status"])
    return JsonResponse({"order_id": order.id, "status": order.status})


def order_detail(request, order_id: int):
    try:
        order = Order.objects.get(pk=order_id)
    except Order.DoesNotExist as exc:
        raise Http404("order not found") from exc
    return JsonResponse(json.loads(json.dumps({"id": order.id, "status": order.status})))
