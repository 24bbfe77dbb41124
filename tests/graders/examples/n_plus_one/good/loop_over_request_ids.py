# Loops over ids from the request (not over query rows): bounded and validated.
def fetch_products(db, product_ids: list[int]) -> list[dict]:
    if len(product_ids) > 20:
        raise ValueError("at most 20 products per request")
    products = []
    for pid in product_ids:
        row = db.execute("SELECT id, name, price FROM products WHERE id = ?", (pid,)).fetchone()
        if row is not None:
            products.append(dict(row))
    return products
