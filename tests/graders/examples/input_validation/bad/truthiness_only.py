# Only checks that a body exists, then trusts every field in it.
from flask import Flask, abort, jsonify, request

from .store import transfer

app = Flask(__name__)


@app.post("/transfers")
def create_transfer():
    data = request.get_json(silent=True)
    if not data:
        abort(400)
    result = transfer(data["from_account"], data["to_account"], data["amount"])
    return jsonify(result), 201
