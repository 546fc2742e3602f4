import sys


def compute(n):
    best = -1000000000000
    for left in range(1, n + 1):
        cur = 0
        for right in range(left, n + 1):
            cur += right * 7919 % 1000 - 500
            if cur > best:
                best = cur
    return best


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
