# DRF APIView uses request.data directly instead of a serializer.
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Ticket


class TicketCreate(APIView):
    def post(self, request):
        ticket = Ticket.objects.create(title=request.data["title"], priority=request.data.get("priority", 3))
        return Response({"id": ticket.id}, status=201)
