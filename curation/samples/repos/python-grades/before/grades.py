def report(s):
    r = []
    for x in s:
        t = 0
        for y in x[1]:
            t = t + y
        a = t / len(x[1])
        if a >= 90:
            g = "A"
        else:
            if a >= 75:
                g = "B"
            else:
                if a >= 50:
                    g = "C"
                else:
                    g = "F"
        r.append(x[0] + ": " + g)
    return r
