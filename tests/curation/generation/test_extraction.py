from __future__ import annotations

import pytest

from curation.generation.extraction import BLANK, EMPTY, NO_BLOCK, SEVERAL, extract_code


@pytest.mark.parametrize(
    ("answer", "language", "code"),
    [
        ("Sure:\n```python\nprint(1)\n```\nDone.", "Python", "print(1)\n"),
        ("```py\nprint(1)\n```", "Python", "print(1)\n"),
        ("```C++\nint main(){}\n```", "Cpp", "int main(){}\n"),
        ("~~~java title=Main.java\nclass A {}\n~~~", "Java", "class A {}\n"),
        # A block in another language next to the one asked for is ignored.
        ("```text\n3\n```\n```cpp\nint x;\n```", "Cpp", "int x;\n"),
        # A longer fence keeps an inner ``` inside the code.
        ('````python\ns = """\n```\n"""\n````', "Python", 's = """\n```\n"""\n'),
    ],
)
def test_the_block_in_the_problems_language_is_the_code(answer, language, code) -> None:
    assert extract_code(answer, language).code == code


@pytest.mark.parametrize(
    ("answer", "language", "failure"),
    [
        (None, "Python", EMPTY),
        ("  \n", "Python", EMPTY),
        ("print(1)", "Python", NO_BLOCK),
        ("```\nprint(1)\n```", "Python", NO_BLOCK),  # untagged: never guessed
        ("```c\nint x;\n```", "Cpp", NO_BLOCK),
        ("```python\na\n```\n```python\nb\n```", "Python", SEVERAL),
        ("```python\n\n```", "Python", BLANK),
        ("```python\nprint(1)\n", "Python", NO_BLOCK),  # never closed
    ],
)
def test_answers_without_one_block_in_the_language_are_counted_failures(
    answer, language, failure
) -> None:
    extracted = extract_code(answer, language)
    assert extracted.code is None and extracted.failure == failure
