# Django view uses Http404 and typed errors, with a 409 on a known conflict.
from django.http import Http404, JsonResponse

from shop.models import Product
from shop.services import OutOfStockError, reserve


def reserve_view(request, product_id: int):
    try:
        product = Product.objects.get(pk=product_id)
    except Product.DoesNotExist as exc:
        raise Http404("product not found") from exc
    try:
        reservation = reserve(product, int(request.POST.get("qty", "1")))
    except OutOfStockError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    return JsonResponse({"reservation": reservation.id}, status=201)
