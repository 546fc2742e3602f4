import sys


def compute(n):
    count = 0
    for i in range(1, n + 1):
        dup = False
        for j in range(1, i):
            if j * j % 1009 == i * i % 1009:
                dup = True
        if not dup:
            count += 1
    return count


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
