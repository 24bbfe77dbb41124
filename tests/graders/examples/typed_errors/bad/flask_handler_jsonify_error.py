# Flask view catches broadly and returns an error JSON with the default 200.
from flask import Flask, jsonify, request

from app.accounts import create_account

app = Flask(__name__)


@app.route("/accounts", methods=["POST"])
def accounts():
    try:
        account = create_account(request.get_json())
        return jsonify(account), 201
    except Exception as e:
        return jsonify(error=str(e))
