# HMAC cursor signing key from the environment; an empty fallback is rejected at startup.
import os

SIGNING_KEY = os.getenv("CURSOR_SIGNING_KEY", "")
if not SIGNING_KEY:
    raise RuntimeError("CURSOR_SIGNING_KEY must be set")
