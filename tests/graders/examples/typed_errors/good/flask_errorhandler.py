# Flask error handlers registered per exception type.
from flask import Flask, jsonify


class ValidationFailed(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


app = Flask(__name__)


@app.errorhandler(ValidationFailed)
def handle_validation(exc: ValidationFailed):
    return jsonify(error="validation_failed", field=exc.field, message=str(exc)), 422


@app.post("/signup")
def signup():
    raise ValidationFailed("email", "email is required")
