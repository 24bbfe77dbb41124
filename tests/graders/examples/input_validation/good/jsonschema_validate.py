# Validates the raw JSON body against a JSON Schema before use.
import jsonschema
from flask import Flask, jsonify, request

from .store import create_order

app = Flask(__name__)

ORDER_SCHEMA = {
    "type": "object",
    "required": ["sku", "quantity"],
    "properties": {"sku": {"type": "string", "maxLength": 32}, "quantity": {"type": "integer", "minimum": 1}},
    "additionalProperties": False,
}


@app.post("/orders")
def orders():
    payload = request.get_json()
    try:
        jsonschema.validate(instance=payload, schema=ORDER_SCHEMA)
    except jsonschema.ValidationError as err:
        return jsonify({"error": err.message}), 400
    return jsonify(create_order(payload["sku"], payload["quantity"])), 201
