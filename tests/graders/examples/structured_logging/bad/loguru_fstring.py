# loguru with f-string messages and no contextualized id.
from loguru import logger


def import_rows(rows: list[dict]) -> int:
    for i, row in enumerate(rows):
        logger.debug(f"row {i}: {row}")
    logger.info(f"imported {len(rows)} rows")
    return len(rows)
