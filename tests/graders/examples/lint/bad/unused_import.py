# Unused imports left behind after a refactor (F401).
import json
import os
from typing import Any


def total(prices: list[float]) -> float:
    return sum(prices)
