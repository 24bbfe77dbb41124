# Bare except used to wrap any error into a domain error.
class ImportFailedError(Exception):
    pass


def import_file(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [line.strip() for line in fh if line.strip()]
    except:
        raise ImportFailedError(path)
