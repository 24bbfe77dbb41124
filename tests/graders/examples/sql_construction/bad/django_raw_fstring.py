# Django Manager.raw() with an f-string instead of params.
from django.http import JsonResponse

from shop.models import Product


def products_by_category(request):
    category = request.GET.get("category", "")
    products = Product.objects.raw(
        f"SELECT id, name, price FROM shop_product WHERE category = '{category}'"
    )
    return JsonResponse({"items": [{"id": p.id, "name": p.name} for p in products]})
