import sys


# Answers cached for every n up to the input bound, allocated up front.
BOUND = 4000000
MEMO = [-1] * BOUND


def compute(n):
    s = 0
    for j in range(1, n + 1):
        s += n // j
    return s


def solve(n):
    if MEMO[n] < 0:
        MEMO[n] = compute(n)
    return MEMO[n]


def main():
    answers = [solve(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
