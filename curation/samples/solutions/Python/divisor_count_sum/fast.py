import sys


def compute(n):
    s = 0
    for j in range(1, n + 1):
        s += n // j
    return s


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
