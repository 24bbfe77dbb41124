# Names that mention tokens but hold no secrets: URLs, header names, TTLs, token types.
TOKEN_URL = "https://auth.example.com/oauth/token"
API_KEY_HEADER = "X-API-Key"
TOKEN_TYPE = "bearer"
PASSWORD_MIN_LENGTH = 12
ACCESS_TOKEN_TTL_SECONDS = 900
SECRET_ENV_VAR = "APP_SECRET"
password_help = "Use at least 12 characters, including a number and a symbol."
