# Explicit type and range checks on each field before use.
from decimal import Decimal, InvalidOperation

from flask import Flask, abort, jsonify, request

from .store import transfer

app = Flask(__name__)


@app.post("/transfers")
def create_transfer():
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("from_account"), str) or not isinstance(data.get("to_account"), str):
        abort(400, description="from_account and to_account must be strings")
    try:
        amount = Decimal(str(data.get("amount")))
    except InvalidOperation:
        abort(400, description="amount must be a decimal")
    if amount <= 0:
        abort(400, description="amount must be positive")
    return jsonify(transfer(data["from_account"], data["to_account"], amount)), 201
