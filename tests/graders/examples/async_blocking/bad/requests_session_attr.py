# An API client stores a requests.Session and uses it from async methods.
import requests


class PaymentsClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    async def refund(self, charge_id: str) -> dict:
        resp = self.http.post(f"{self.base_url}/charges/{charge_id}/refund", timeout=10)
        resp.raise_for_status()
        return resp.json()
