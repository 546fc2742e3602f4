import sys


def compute(n):
    best, cur = -1000000000000, 0
    for i in range(1, n):
        x = i * 7919 % 1000 - 500
        cur = max(x, cur + x)
        best = max(best, cur)
    return best


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
