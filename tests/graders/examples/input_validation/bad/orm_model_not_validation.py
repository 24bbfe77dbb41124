# Builds an SQLAlchemy model straight from the JSON body: ORM models do not validate.
from flask import Flask, jsonify, request

from .db import session
from .models import Product

app = Flask(__name__)


@app.post("/products")
def create_product():
    product = Product(**request.json)
    session.add(product)
    session.commit()
    return jsonify({"id": product.id}), 201
