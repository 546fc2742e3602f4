import sys


def compute(n):
    s = 0
    for i in range(1, n + 1):
        for j in range(1, i + 1):
            if i % j == 0:
                s += 1
    return s


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
