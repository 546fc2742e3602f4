def top_words(text, n):
    words = text.lower().split()
    counts = []
    for word in set(words):
        counts.append((words.count(word), word))
    counts.sort(reverse=True)
    return [word for _, word in counts[:n]]
