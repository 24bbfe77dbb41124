# pydantic settings class ships a default JWT secret that is used when the env is unset.
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    database_url: str = "sqlite:///./app.db"
    jwt_secret: str = "super-secret-jwt-key-2024"
    jwt_algorithm: str = "HS256"
    access_token_ttl_seconds: int = 3600


settings = Settings()
