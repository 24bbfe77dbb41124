# Django view validates request.POST with a ModelForm.
from django import forms
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .models import Comment


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["author", "body"]


@require_POST
def add_comment(request, post_id: int):
    form = CommentForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    comment = form.save(commit=False)
    comment.post_id = post_id
    comment.save()
    return JsonResponse({"id": comment.id}, status=201)
