# Deliberately hides an implementation detail with `from None`.
import os


class MissingSettingError(RuntimeError):
    pass


def require_env(name: str) -> str:
    try:
        return os.environ[name]
    except KeyError:
        raise MissingSettingError(f"environment variable {name} is required") from None
