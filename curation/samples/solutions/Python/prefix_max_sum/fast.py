def prefix_max_sum(n):
    s = m = 0
    for i in range(1, n + 1):
        m = max(m, i * 37 % 101)
        s += m
    return s
