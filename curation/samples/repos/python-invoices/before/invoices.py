def invoice_total(lines):
    total = 0
    for line in lines:
        if line["kind"] == "product":
            total += line["qty"] * line["price"] - line["qty"] * line["price"] * line.get("discount", 0)
        elif line["kind"] == "service":
            total += line["hours"] * line["rate"] - line["hours"] * line["rate"] * line.get("discount", 0)
    return round(total, 2)


def invoice_tax(lines, rate):
    total = 0
    for line in lines:
        if line["kind"] == "product":
            total += line["qty"] * line["price"] - line["qty"] * line["price"] * line.get("discount", 0)
        elif line["kind"] == "service":
            total += line["hours"] * line["rate"] - line["hours"] * line["rate"] * line.get("discount", 0)
    return round(total * rate, 2)
