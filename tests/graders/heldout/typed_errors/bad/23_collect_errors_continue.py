# BAD: broad catch appends str(err) and continues; the typed exceptions are flattened to strings and the batch "succeeds".
import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class SyncReport:
    synced: int = 0
    errors: list[str] = field(default_factory=list)


def push_contact(contact: dict) -> None:
    if "@" not in contact.get("email", ""):
        raise ValueError("invalid email")


def sync_contacts(contacts: list[dict]) -> SyncReport:
    report = SyncReport()
    for contact in contacts:
        try:
            push_contact(contact)
        except Exception as err:
            report.errors.append(str(err))
            continue
        report.synced += 1
    logger.info("sync done", extra={"synced": report.synced})
    return report


if __name__ == "__main__":
    print(sync_contacts([{"email": "a@b.c"}, {"email": "nope"}]))
