import sqlite3
from contextlib import closing


def reports_for(db_path, customer):
    if not isinstance(customer, str) or not customer:
        raise ValueError("customer must be a non-empty string")
    with closing(sqlite3.connect(db_path)) as connection:
        return connection.execute(
            "SELECT id, title FROM reports WHERE customer = ?", (customer,)
        ).fetchall()
