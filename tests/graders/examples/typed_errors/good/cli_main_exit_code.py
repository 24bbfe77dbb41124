# CLI entry point: known errors become a message and exit code 1.
import logging
import sys


class ConfigError(Exception):
    pass


def load(path: str) -> dict:
    if not path.endswith(".toml"):
        raise ConfigError(f"{path}: expected a .toml file")
    return {}


def main(argv: list[str]) -> int:
    try:
        load(argv[1] if len(argv) > 1 else "config.toml")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception:
        logging.exception("unexpected failure")
        sys.exit(2)
    return 0
