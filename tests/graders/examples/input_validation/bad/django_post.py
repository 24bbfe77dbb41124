# Django view reads request.POST fields straight into the model.
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Comment


@require_POST
def add_comment(request, post_id: int):
    comment = Comment.objects.create(post_id=post_id, author=request.POST["author"], body=request.POST["body"])
    return JsonResponse({"id": comment.id}, status=201)
