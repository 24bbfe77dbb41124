# Django view: broad catch returns JsonResponse with an error and status 200.
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from shop.services import checkout


@require_POST
def checkout_view(request):
    try:
        order_id = checkout(request.user, request.POST.get("cart_id"))
    except Exception as e:
        return JsonResponse({"success": False, "error": str(e)})
    return JsonResponse({"success": True, "order_id": order_id}, status=201)
