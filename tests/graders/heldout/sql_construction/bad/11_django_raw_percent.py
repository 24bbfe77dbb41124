# BAD: Django Manager.raw() given a query already %-formatted with the slug (params argument unused).
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from .models import Article


@require_GET
def article_by_slug(request, slug: str):
    query = "SELECT * FROM blog_article WHERE slug = '%s' AND published = true" % slug
    articles = list(Article.objects.raw(query))
    if not articles:
        raise Http404("article not found")
    art = articles[0]
    return JsonResponse(
        {
            "id": art.id,
            "title": art.title,
            "slug": art.slug,
            "body": art.body,
        }
    )


@require_GET
def article_count(request):
    return JsonResponse({"count": Article.objects.filter(published=True).count()})
