# Django extra(where=..., params=...) with constant clauses.
from blog.models import Post


def posts_since(year: int, author: str):
    return Post.objects.extra(
        where=["EXTRACT(year FROM published) >= %s", "author = %s"],
        params=[year, author],
    )
