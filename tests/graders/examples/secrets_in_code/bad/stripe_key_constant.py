# A live Stripe secret key hard-coded as a module constant.
import stripe

STRIPE_KEY = "sk_live_wVihtI9SYl2hD0Tvg5j6LvWI"
stripe.api_key = STRIPE_KEY


def charge(amount_cents: int, customer_id: str) -> str:
    intent = stripe.PaymentIntent.create(amount=amount_cents, currency="usd", customer=customer_id)
    return intent.id
