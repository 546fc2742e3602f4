def common_users(active, paying):
    paying_set = set(paying)
    result = []
    emitted = set()
    for user in active:
        if user in paying_set and user not in emitted:
            emitted.add(user)
            result.append(user)
    return result


def missing_ids(expected, seen):
    seen_set = set(seen)
    return [item for item in expected if item not in seen_set]
