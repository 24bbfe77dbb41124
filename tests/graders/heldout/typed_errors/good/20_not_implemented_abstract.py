# GOOD: NotImplementedError in a base class and a typed error hierarchy for storage backends.
from abc import ABC


class StorageError(Exception):
    pass


class ObjectMissing(StorageError, KeyError):
    pass


class BlobStore(ABC):
    def get(self, key: str) -> bytes:
        raise NotImplementedError

    def put(self, key: str, data: bytes) -> None:
        raise NotImplementedError


class MemoryStore(BlobStore):
    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes:
        if key not in self._data:
            raise ObjectMissing(key)
        return self._data[key]

    def put(self, key: str, data: bytes) -> None:
        if not key:
            raise ValueError("key must be non-empty")
        self._data[key] = data
