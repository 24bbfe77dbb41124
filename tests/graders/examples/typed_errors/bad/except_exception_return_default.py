# Config loader that turns every failure into an empty config.
import tomllib


def load_config(path: str) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except Exception:
        return {}
