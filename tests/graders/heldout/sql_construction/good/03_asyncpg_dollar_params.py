# GOOD: asyncpg queries use $1/$2 positional parameters for every request value.
import asyncpg
from fastapi import Depends, FastAPI, HTTPException

app = FastAPI()


async def get_pool() -> asyncpg.Pool:
    return app.state.pool


@app.get("/products")
async def list_products(category: str, limit: int = 50, pool: asyncpg.Pool = Depends(get_pool)):
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT id, name, price FROM products WHERE category = $1 ORDER BY name LIMIT $2",
            category,
            limit,
        )
    return [dict(r) for r in rows]


@app.get("/products/{product_id}")
async def get_product(product_id: int, pool: asyncpg.Pool = Depends(get_pool)):
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT id, name, price FROM products WHERE id = $1", product_id)
    if row is None:
        raise HTTPException(status_code=404, detail="product not found")
    return dict(row)
