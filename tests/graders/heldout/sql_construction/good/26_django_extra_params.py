# GOOD: QuerySet.extra() with constant where strings and the values in params=.
from django.db.models import QuerySet
from django.http import JsonResponse

from inventory.models import Item


def filter_items(qs: QuerySet, min_qty: int, term: str) -> QuerySet:
    qs = qs.filter(archived=False)
    if term:
        qs = qs.extra(where=["inventory_item.name ILIKE %s"], params=[f"%{term}%"])
    if min_qty:
        qs = qs.extra(where=["inventory_item.quantity >= %s"], params=[min_qty])
    return qs


def item_list(request):
    try:
        min_qty = int(request.GET.get("min_qty", "0"))
    except ValueError:
        return JsonResponse({"error": "min_qty must be an integer"}, status=400)
    items = filter_items(Item.objects.all(), min_qty, request.GET.get("q", ""))
    payload = [{"id": i.id, "name": i.name, "qty": i.quantity} for i in items[:100]]
    return JsonResponse({"items": payload})
