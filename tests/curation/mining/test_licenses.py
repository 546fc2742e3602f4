"""Licence detection (``curation/mining/licenses.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.mining.licenses import (
    PERMISSIVE_LICENSES,
    detect_license,
    is_license_file,
    repository_license,
)
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository

MIT = """Permission is hereby granted, free of charge, to any person obtaining a copy
of this software, to deal in the Software without restriction. The above copyright
notice and this permission notice shall be included in all copies."""
MIT0 = """Permission is hereby granted, free of charge, to any person obtaining a copy
of this software, to deal in the Software without restriction."""
BSD3 = """Redistribution and use in source and binary forms, with or without modification,
are permitted provided that the following conditions are met: ... Neither the name of
the copyright holder nor the names of its contributors may be used"""
BSD2 = """Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met"""
APACHE = """                                 Apache License
                           Version 2.0, January 2004"""
GPL3 = "GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007"
GPL2 = "GNU GENERAL PUBLIC LICENSE\n   Version 2, June 1991"
LGPL = "GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007"
AGPL = "GNU AFFERO GENERAL PUBLIC LICENSE\n Version 3, 19 November 2007"
UNLICENSE = "This is free and unencumbered software released into the public domain."
ISC = """Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above copyright notice
and this permission notice appear in all copies."""
ZERO_BSD = """Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted."""


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        (MIT, "MIT"),
        (MIT0, "MIT-0"),
        (BSD3, "BSD-3-Clause"),
        (BSD2, "BSD-2-Clause"),
        (APACHE, "Apache-2.0"),
        (GPL3, "GPL-3.0"),
        (GPL2, "GPL-2.0"),
        (LGPL, "LGPL-3.0"),
        (AGPL, "AGPL-3.0"),
        (UNLICENSE, "Unlicense"),
        (ISC, "ISC"),
        (ZERO_BSD, "0BSD"),
        ("All rights reserved.", None),
    ],
)
def test_detect(text: str, spdx: str | None) -> None:
    assert detect_license(text) == spdx


def test_permissive_set() -> None:
    assert {"MIT", "Apache-2.0", "BSD-3-Clause"} <= PERMISSIVE_LICENSES
    assert not {"GPL-3.0", "AGPL-3.0", "LGPL-3.0"} & PERMISSIVE_LICENSES


def test_license_file_names() -> None:
    assert all(map(is_license_file, ["LICENSE", "LICENSE.md", "docs/COPYING", "licence.txt"]))
    assert not any(map(is_license_file, ["README.md", "src/license_check.py"]))


def test_repository_license(tmp_path: Path) -> None:
    build_repository(tmp_path / "a", [SyntheticCommit("i", {"LICENSE.md": APACHE, "x.py": "x\n"})])
    build_repository(tmp_path / "b", [SyntheticCommit("i", {"x.py": "x\n"})], bare=True)
    assert repository_license(tmp_path / "a") == "Apache-2.0"
    assert repository_license(tmp_path / "b") is None
    empty = tmp_path / "empty"
    empty.mkdir()
    assert repository_license(empty) is None
