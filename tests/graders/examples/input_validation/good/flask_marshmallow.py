# Flask endpoint validates the JSON body with a marshmallow schema.
from flask import Flask, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate

from .store import save_user

app = Flask(__name__)


class UserSchema(Schema):
    email = fields.Email(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    age = fields.Integer(validate=validate.Range(min=13, max=130))


@app.route("/users", methods=["POST"])
def create_user():
    try:
        data = UserSchema().load(request.get_json() or {})
    except ValidationError as err:
        return jsonify({"errors": err.messages}), 422
    user = save_user(**data)
    return jsonify({"id": user.id}), 201
