# Raises BaseException to abort a job.
def process_batch(items: list[dict]) -> int:
    processed = 0
    for item in items:
        if "id" not in item:
            raise BaseException("malformed item in batch")
        processed += 1
    return processed
