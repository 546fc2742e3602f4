def line_amount(line):
    """Net amount of one invoice line after its discount."""
    if line["kind"] == "product":
        gross = line["qty"] * line["price"]
    elif line["kind"] == "service":
        gross = line["hours"] * line["rate"]
    else:
        return 0
    return gross * (1 - line.get("discount", 0))


def invoice_total(lines):
    return round(sum(line_amount(line) for line in lines), 2)


def invoice_tax(lines, rate):
    return round(invoice_total(lines) * rate, 2)
