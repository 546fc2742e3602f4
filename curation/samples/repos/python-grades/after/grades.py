GRADE_BOUNDARIES = [(90, "A"), (75, "B"), (50, "C")]


def letter_grade(average):
    for minimum, letter in GRADE_BOUNDARIES:
        if average >= minimum:
            return letter
    return "F"


def report(students):
    lines = []
    for name, scores in students:
        average = sum(scores) / len(scores)
        lines.append(f"{name}: {letter_grade(average)}")
    return lines
