# DRF view validates request.data through a serializer.
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Ticket


class TicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = ["title", "priority"]


class TicketCreate(APIView):
    def post(self, request):
        serializer = TicketSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = serializer.save()
        return Response({"id": ticket.id}, status=201)
