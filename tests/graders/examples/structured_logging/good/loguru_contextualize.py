# loguru with contextualize(request_id=...) and constant messages.
from loguru import logger


def import_rows(rows: list[dict], request_id: str) -> int:
    with logger.contextualize(request_id=request_id):
        logger.info("import.start", count=len(rows))
        logger.info("import.done")
    return len(rows)
