# Starlette route reads query_params as raw strings into the search.
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .search import search


async def search_endpoint(request: Request) -> JSONResponse:
    q = request.query_params.get("q")
    limit = request.query_params.get("limit", "10")
    return JSONResponse(search(q, limit=int(limit)))


app = Starlette(routes=[Route("/search", search_endpoint)])
