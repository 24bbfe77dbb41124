# Uses the root logging module functions with f-strings.
import logging

logging.basicConfig(level=logging.INFO)


def sync_inventory(items: list[dict]) -> int:
    for item in items:
        logging.info(f"syncing {item['sku']} qty={item['qty']}")
    logging.info(f"synced {len(items)} items")
    return len(items)
