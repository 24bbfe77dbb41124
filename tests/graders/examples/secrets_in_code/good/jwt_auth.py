# JWT issuing with the secret from settings and the algorithm as a constant.
import datetime as dt
import os

import jwt

JWT_ALGORITHM = "HS256"


def issue(user_id: int) -> str:
    secret = os.environ["JWT_SECRET"]
    now = dt.datetime.now(dt.UTC)
    return jwt.encode({"sub": str(user_id), "iat": now, "exp": now + dt.timedelta(minutes=15)}, secret, algorithm=JWT_ALGORITHM)
