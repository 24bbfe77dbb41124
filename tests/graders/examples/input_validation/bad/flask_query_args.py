# Pagination parameters read from request.args as raw strings.
from flask import Flask, jsonify, request

from .store import list_items

app = Flask(__name__)


@app.get("/items")
def items():
    page = request.args.get("page", "1")
    size = request.args.get("size", "20")
    return jsonify(list_items(offset=(int(page) - 1) * int(size), limit=int(size)))
