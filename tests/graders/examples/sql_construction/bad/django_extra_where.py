# Django QuerySet.extra(where=...) with the value formatted into the clause.
from blog.models import Post


def posts_since(year: int, author: str):
    return Post.objects.extra(
        where=[f"EXTRACT(year FROM published) >= {year}", "author = '" + author + "'"]
    )
