# print() only inside the __main__ block of a script; the service logs with ids.
import logging

logger = logging.getLogger(__name__)


def migrate(batch_id: str) -> int:
    logger.info("migration.start", extra={"correlation_id": batch_id})
    return 0


if __name__ == "__main__":
    print("running migration")
    raise SystemExit(migrate("manual"))
