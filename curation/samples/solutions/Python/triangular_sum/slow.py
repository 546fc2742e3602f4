import sys


def compute(n):
    s = 0
    for i in range(1, n + 1):
        t = 0
        for j in range(1, i + 1):
            t = (t + j) % 1000000007
        s = (s + t) % 1000000007
    return s


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
