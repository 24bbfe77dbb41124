# Django view lists books and reads book.author for each without select_related.
from django.db import models
from django.http import JsonResponse


class Author(models.Model):
    name = models.CharField(max_length=200)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)


def book_list(request):
    data = []
    for book in Book.objects.all():
        data.append({"title": book.title, "author": book.author.name})
    return JsonResponse({"books": data})
