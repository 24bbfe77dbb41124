# Database password passed as a literal keyword argument.
import psycopg2


def connect():
    return psycopg2.connect(host="db.internal", dbname="orders", user="orders_app", password="Tr0ub4dor&3")
