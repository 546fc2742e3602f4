def prefix_max_sum(n):
    s = m = 0
    for i in range(1, n + 1):
        s += m
        m = max(m, i * 37 % 101)
    return s
