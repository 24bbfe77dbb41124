# Secrets come from the environment via pydantic BaseSettings, with no defaults.
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    database_url: str
    jwt_secret: SecretStr
    jwt_algorithm: str = "HS256"
    token_ttl_seconds: int = 3600
