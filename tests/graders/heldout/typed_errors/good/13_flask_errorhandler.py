# GOOD: Flask errorhandler turns typed upload errors into 4xx/5xx responses; views just raise.
import logging

from flask import Flask, jsonify, request

app = Flask(__name__)
logger = logging.getLogger(__name__)
ALLOWED_TYPES = frozenset({"image/png", "image/jpeg"})


class UploadError(Exception):
    status = 400


class UnsupportedMedia(UploadError):
    status = 415


class MissingFile(UploadError):
    status = 400


@app.errorhandler(UploadError)
def handle_upload_error(exc: UploadError):
    return jsonify(error=type(exc).__name__, detail=str(exc)), exc.status


@app.post("/avatars")
def upload_avatar():
    file = request.files.get("avatar")
    if file is None:
        raise MissingFile("form field 'avatar' is required")
    if file.mimetype not in ALLOWED_TYPES:
        raise UnsupportedMedia(f"{file.mimetype} not allowed; use PNG or JPEG")
    return jsonify(ok=True, size=len(file.read())), 201
