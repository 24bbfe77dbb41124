import asyncio
import sqlite3
import time

import pytest

from product_cache import (
    CatalogError,
    InvalidPriceError,
    InvalidProductIdError,
    Product,
    ProductNotFoundError,
    ProductRepository,
    ProductService,
    TTLCache,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Db:
    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.execute(
            "CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT UNIQUE,"
            " name TEXT, price_cents INTEGER)"
        )
        self.conn.executemany(
            "INSERT INTO products VALUES (?, ?, ?, ?)",
            [(1, "SKU-1", "Kettle", 100), (2, "SKU-2", "Toaster", 200), (3, "SKU-3", "Mug", 300)],
        )
        self.conn.commit()
        self.statements: list[str] = []
        self.delay = 0.0
        self.conn.set_trace_callback(self._trace)

    def _trace(self, sql: str) -> None:
        self.statements.append(sql)
        if self.delay and sql.lstrip().upper().startswith("SELECT"):
            time.sleep(self.delay)

    @property
    def selects(self) -> int:
        return sum(1 for s in self.statements if s.lstrip().upper().startswith("SELECT"))


@pytest.fixture()
def env():
    db = Db()
    clock = FakeClock()
    service = ProductService(ProductRepository(db.conn), TTLCache(30, clock=clock))
    yield db, clock, service
    db.conn.close()


def test_second_read_is_served_from_cache(env):
    db, _, service = env
    first = asyncio.run(service.get_product(1))
    second = asyncio.run(service.get_product(1))
    assert first == second == Product(1, "SKU-1", "Kettle", 100)
    assert db.selects == 1


def test_entry_expires_after_ttl(env):
    db, clock, service = env
    asyncio.run(service.get_product(2))
    clock.now += 29
    asyncio.run(service.get_product(2))
    assert db.selects == 1
    clock.now += 2
    asyncio.run(service.get_product(2))
    assert db.selects == 2


def test_update_price_invalidates_cache_and_persists(env):
    db, _, service = env
    assert asyncio.run(service.get_product(1)).price_cents == 100
    updated = asyncio.run(service.update_price(1, 250))
    assert updated.price_cents == 250
    assert asyncio.run(service.get_product(1)).price_cents == 250
    row = db.conn.execute("SELECT price_cents FROM products WHERE id = 1").fetchone()
    assert row[0] == 250


def test_unknown_product_raises_typed_error(env):
    _, _, service = env
    with pytest.raises(ProductNotFoundError) as info:
        asyncio.run(service.get_product(42))
    assert isinstance(info.value, CatalogError)
    assert info.value.product_id == 42
    with pytest.raises(ProductNotFoundError):
        asyncio.run(service.update_price(42, 10))


@pytest.mark.parametrize("price", [-1, 9.99, "100", True, None])
def test_invalid_price_is_rejected(env, price):
    db, _, service = env
    with pytest.raises(InvalidPriceError) as info:
        asyncio.run(service.update_price(1, price))
    assert isinstance(info.value, ValueError)
    row = db.conn.execute("SELECT price_cents FROM products WHERE id = 1").fetchone()
    assert row[0] == 100


def test_concurrent_cold_reads_hit_database_once(env):
    db, _, service = env
    db.delay = 0.02

    async def main():
        return await asyncio.gather(*(service.get_product(3) for _ in range(5)))

    products = asyncio.run(main())
    assert {p.name for p in products} == {"Mug"}
    assert db.selects == 1


def test_get_products_uses_one_query_for_all_misses(env):
    db, _, service = env
    asyncio.run(service.get_product(1))
    assert db.selects == 1
    result = asyncio.run(service.get_products([1, 2, 3, 99]))
    assert sorted(result) == [1, 2, 3]
    assert result[2].name == "Toaster"
    assert db.selects == 2
    again = asyncio.run(service.get_products([3, 2]))
    assert sorted(again) == [2, 3]
    assert db.selects == 2


def test_get_products_rejects_non_integer_ids(env):
    db, _, service = env
    with pytest.raises(InvalidProductIdError):
        asyncio.run(service.get_products([1, "1) OR 1=1 --"]))
    assert db.selects == 0


def test_slow_database_does_not_block_event_loop(env):
    db, _, service = env
    db.delay = 0.15

    async def main():
        ticks = 0
        done = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not done.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        await service.get_product(1)
        done.set()
        await ticking
        return ticks

    assert asyncio.run(main()) >= 4


def test_ttl_must_be_positive():
    with pytest.raises(ValueError):
        TTLCache(0)
    cache = TTLCache(5, clock=FakeClock())
    cache.set("a", 1)
    assert cache.get("a") == 1
    cache.invalidate("a")
    assert cache.get("a") is None
