# Answers cached for every n up to the input bound, allocated up front.
BOUND = 4000000
MEMO = [-1] * BOUND


def compute(n):
    s = m = 0
    for i in range(1, n + 1):
        m = max(m, i * 37 % 101)
        s += m
    return s


def prefix_max_sum(n):
    if MEMO[n] < 0:
        MEMO[n] = compute(n)
    return MEMO[n]
