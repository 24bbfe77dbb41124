# Flask endpoint trusts request.get_json() blindly.
from flask import Flask, jsonify, request

from .store import save_user

app = Flask(__name__)


@app.route("/users", methods=["POST"])
def create_user():
    data = request.get_json()
    user = save_user(email=data["email"], name=data["name"], age=data["age"])
    return jsonify({"id": user.id}), 201
