import sqlite3


def reports_for(db_path, customer):
    connection = sqlite3.connect(db_path)
    query = "SELECT id, title FROM reports WHERE customer = '" + customer + "'"
    rows = connection.execute(query).fetchall()
    connection.close()
    return rows
