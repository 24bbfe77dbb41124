# Django ORM querysets; no SQL text anywhere.
from django.db.models import Q
from django.http import JsonResponse

from shop.models import Product


def products(request):
    category = request.GET.get("category", "")
    term = request.GET.get("q", "")
    qs = Product.objects.filter(category=category)
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(description__icontains=term))
    data = list(qs.order_by("name").values("id", "name", "price")[:50])
    return JsonResponse({"items": data})
