def calc(l, t):
    r = 0
    for x in l:
        if x["type"] == t:
            if x["cur"] == "EUR":
                r = r + x["amt"] * 1.08
            else:
                r = r + x["amt"]
    return r


def calc2(l):
    a = calc(l, "credit")
    b = calc(l, "debit")
    return a - b
