def common_users(active, paying):
    result = []
    for user in active:
        if user in paying and user not in result:
            result.append(user)
    return result


def missing_ids(expected, seen):
    return [item for item in expected if item not in seen]
