# BAD: QuerySet.extra(where=[...]) with the search term spliced in by an f-string.
from django.db.models import QuerySet
from django.http import JsonResponse

from inventory.models import Item


def filter_items(qs: QuerySet, min_qty: str, term: str) -> QuerySet:
    qs = qs.filter(archived=False)
    if term:
        qs = qs.extra(where=[f"inventory_item.name ILIKE '%%{term}%%'"])
    if min_qty:
        qs = qs.extra(where=["inventory_item.quantity >= %s"], params=[int(min_qty)])
    return qs


def item_list(request):
    items = filter_items(
        Item.objects.all(),
        request.GET.get("min_qty", ""),
        request.GET.get("q", ""),
    )
    payload = [{"id": i.id, "name": i.name, "qty": i.quantity} for i in items[:100]]
    return JsonResponse({"items": payload})


def item_detail(request, pk: int):
    item = Item.objects.get(pk=pk)
    return JsonResponse({"id": item.id, "name": item.name})
