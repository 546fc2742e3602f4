from collections import Counter


def top_words(text, n):
    return [word for word, _ in Counter(text.lower().split()).most_common(n)]
