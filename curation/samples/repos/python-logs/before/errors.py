def count_errors(path):
    with open(path) as handle:
        lines = handle.readlines()
    errors = [line for line in lines if " ERROR " in line]
    return len(errors)


def first_error(path):
    with open(path) as handle:
        lines = handle.read().split("\n")
    for line in lines:
        if " ERROR " in line:
            return line
    return None
