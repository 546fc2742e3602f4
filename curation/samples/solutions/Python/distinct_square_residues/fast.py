import sys


def compute(n):
    seen = [False] * 1009
    count = 0
    for i in range(1, n + 1):
        r = i * i % 1009
        if not seen[r]:
            seen[r] = True
            count += 1
    return count


def main():
    answers = [compute(int(token)) for token in sys.stdin.read().split()]
    print("\n".join(str(answer) for answer in answers))


main()
