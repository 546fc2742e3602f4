def prefix_max_sum(n):
    s = 0
    for i in range(1, n + 1):
        m = 0
        for k in range(1, i + 1):
            x = k * 37 % 101
            if x > m:
                m = x
        s += m
    return s
