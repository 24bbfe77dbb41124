# BAD: Flask view swallows every exception and returns jsonify(ok=False, ...) with the default 200 status.
import logging

from flask import Flask, jsonify, request

from .storage import upload_blob

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.post("/avatars")
def upload_avatar():
    file = request.files.get("avatar")
    if file is None:
        return jsonify(ok=False, error="missing file"), 400
    try:
        url = upload_blob(f"avatars/{file.filename}", file.read(), file.mimetype)
    except Exception as exc:
        logger.exception("avatar upload failed")
        return jsonify(ok=False, error=str(exc))
    return jsonify(ok=True, url=url), 201


@app.get("/ping")
def ping():
    return jsonify(pong=True)


if __name__ == "__main__":
    app.run(port=5002)
