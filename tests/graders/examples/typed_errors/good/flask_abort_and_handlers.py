# Flask view with abort(404) and a registered handler mapping a domain error to 409.
from flask import Flask, abort, jsonify


class DuplicateError(Exception):
    pass


app = Flask(__name__)
ITEMS: dict[int, str] = {}


def handle_duplicate(exc: DuplicateError):
    return jsonify(error=str(exc)), 409


app.register_error_handler(DuplicateError, handle_duplicate)


@app.get("/items/<int:item_id>")
def get_item(item_id: int):
    if item_id not in ITEMS:
        abort(404)
    return jsonify(id=item_id, name=ITEMS[item_id])
