def count_errors(path):
    with open(path) as handle:
        return sum(1 for line in handle if " ERROR " in line)


def first_error(path):
    with open(path) as handle:
        for line in handle:
            if " ERROR " in line:
                return line.rstrip("\n")
    return None
