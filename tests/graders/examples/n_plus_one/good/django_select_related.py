# Django view uses select_related for the author foreign key.
from django.db import models
from django.http import JsonResponse


class Author(models.Model):
    name = models.CharField(max_length=200)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)


def book_list(request):
    data = [{"title": b.title, "author": b.author.name} for b in Book.objects.select_related("author")]
    return JsonResponse({"books": data})
