# Fails fast when the Stripe key is not in the environment.
import os

import stripe


def configure() -> None:
    try:
        stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
    except KeyError as exc:
        raise RuntimeError("STRIPE_SECRET_KEY is not set") from exc
