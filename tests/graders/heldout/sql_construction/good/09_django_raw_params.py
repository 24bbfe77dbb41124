# GOOD: Manager.raw() with a constant query and the slug passed through params.
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from .models import Article

ARTICLE_BY_SLUG = "SELECT * FROM blog_article WHERE slug = %s AND published = true"


@require_GET
def article_by_slug(request, slug: str):
    articles = list(Article.objects.raw(ARTICLE_BY_SLUG, [slug]))
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
