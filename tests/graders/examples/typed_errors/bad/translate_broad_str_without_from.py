# Broad catch re-raised as a typed error, but without `from` (cause lost).
import boto3


class StorageError(Exception):
    pass


class BlobStore:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket
        self.s3 = boto3.client("s3")

    def put(self, key: str, data: bytes) -> None:
        try:
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
        except Exception as e:
            raise StorageError(str(e))
