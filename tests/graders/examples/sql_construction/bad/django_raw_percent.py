# Django raw() with % interpolation done in Python.
from accounts.models import Account


def accounts_for_domain(domain: str):
    sql = "SELECT * FROM accounts_account WHERE email LIKE '%%@%s'" % domain
    return list(Account.objects.raw(sql))
