EUR_TO_USD = 1.08


def amount_in_usd(entry: dict) -> float:
    """The entry's amount converted to US dollars."""
    rate = EUR_TO_USD if entry["cur"] == "EUR" else 1.0
    return entry["amt"] * rate


def total_of_kind(entries: list[dict], kind: str) -> float:
    return sum(amount_in_usd(entry) for entry in entries if entry["type"] == kind)


def balance(entries: list[dict]) -> float:
    return total_of_kind(entries, "credit") - total_of_kind(entries, "debit")
