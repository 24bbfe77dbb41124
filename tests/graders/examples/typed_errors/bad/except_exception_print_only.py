# Prints the error and falls through with no result.
import requests


def notify_slack(webhook: str, text: str) -> None:
    try:
        requests.post(webhook, json={"text": text}, timeout=5).raise_for_status()
    except Exception as e:
        print("slack notification failed:", e)
