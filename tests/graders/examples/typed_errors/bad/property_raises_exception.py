# A property raising Exception when a lazy value is missing.
class Settings:
    def __init__(self, env: dict[str, str]) -> None:
        self._env = env

    @property
    def database_url(self) -> str:
        url = self._env.get("DATABASE_URL")
        if not url:
            raise Exception("DATABASE_URL is not set")
        return url
