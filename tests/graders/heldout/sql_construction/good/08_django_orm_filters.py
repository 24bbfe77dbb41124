# GOOD: Django ORM filters, Q objects and F expressions; the ORM parameterizes everything.
from django.db.models import F, Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from inventory.models import Item


@require_GET
def item_list(request):
    term = request.GET.get("q", "")
    min_qty = int(request.GET.get("min_qty", "0"))
    qs = Item.objects.filter(archived=False, quantity__gte=min_qty)
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(sku__iexact=term))
    qs = qs.annotate(value=F("quantity") * F("unit_price")).order_by("-value")
    payload = [
        {"id": i.id, "name": i.name, "qty": i.quantity, "value": float(i.value)}
        for i in qs[:100]
    ]
    return JsonResponse({"items": payload})


@require_GET
def low_stock(request):
    qs = Item.objects.filter(quantity__lt=F("reorder_level")).values("id", "name")
    return JsonResponse({"items": list(qs)})
