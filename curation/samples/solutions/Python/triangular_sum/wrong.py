import sys


def compute(n):
    t = s = 0
    for i in range(1, n + 1):
        s = (s + t) % 1000000007
        t = (t + i) % 1000000007
    return s


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
