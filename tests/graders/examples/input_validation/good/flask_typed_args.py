# werkzeug's type= converts pagination parameters; bounds checked explicitly.
from flask import Flask, abort, jsonify, request

from .store import list_items

app = Flask(__name__)


@app.get("/items")
def items():
    page = request.args.get("page", 1, type=int)
    size = request.args.get("size", 20, type=int)
    if page < 1 or not 1 <= size <= 100:
        abort(400, description="page >= 1 and 1 <= size <= 100")
    return jsonify(list_items(offset=(page - 1) * size, limit=size))
