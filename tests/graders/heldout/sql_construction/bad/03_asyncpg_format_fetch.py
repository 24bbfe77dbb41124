# BAD: asyncpg fetch() receives SQL built with str.format from a request value.
from fastapi import FastAPI, Depends
import asyncpg

app = FastAPI()


async def get_pool() -> asyncpg.Pool:
    return app.state.pool


@app.on_event("startup")
async def startup() -> None:
    app.state.pool = await asyncpg.create_pool(dsn="postgresql://localhost/shop")


@app.get("/products")
async def list_products(category: str, pool: asyncpg.Pool = Depends(get_pool)):
    sql = "SELECT id, name, price FROM products WHERE category = '{}' ORDER BY name".format(category)
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql)
    return [dict(r) for r in rows]


@app.get("/products/{product_id}")
async def get_product(product_id: int, pool: asyncpg.Pool = Depends(get_pool)):
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT id, name, price FROM products WHERE id = $1", product_id)
    return dict(row) if row else {}
