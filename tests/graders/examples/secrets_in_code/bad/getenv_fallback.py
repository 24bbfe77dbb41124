# Reads the signing key from the environment but falls back to a hard-coded one.
import hashlib
import hmac
import os

SIGNING_KEY = os.getenv("CURSOR_SIGNING_KEY", "dev-signing-key-do-not-use")


def sign(payload: bytes) -> str:
    return hmac.new(SIGNING_KEY.encode(), payload, hashlib.sha256).hexdigest()
