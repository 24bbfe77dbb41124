# Django raw() with params: the value is bound by the driver.
from accounts.models import Account


def accounts_for_domain(domain: str):
    return list(
        Account.objects.raw(
            "SELECT * FROM accounts_account WHERE email LIKE %s", [f"%@{domain}"]
        )
    )
