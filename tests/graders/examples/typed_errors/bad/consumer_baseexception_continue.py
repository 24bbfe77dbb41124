# Kafka-style consumer catching BaseException per message and continuing.
import logging

log = logging.getLogger(__name__)


def run(consumer, process) -> None:
    for record in consumer:
        try:
            process(record.value)
        except BaseException as err:
            log.error("failed offset=%s err=%s", record.offset, err)
            continue
        consumer.commit()
