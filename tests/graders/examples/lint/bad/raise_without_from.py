# Re-raises inside except without `from` (B904), losing the cause.
class ConfigError(Exception):
    pass


def port(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"invalid port {value!r}")
