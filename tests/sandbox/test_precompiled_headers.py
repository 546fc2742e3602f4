"""Precompiled standard headers for C++ (sandbox/precompiled_headers.py and their use by
the worker): a PCH is used only for the standard headers a program includes first, and
a compile that uses one answers exactly what the plain compile answers."""

from __future__ import annotations

import pytest

from sandbox import DockerSandbox, Limits, ProcessSandbox, Program, Status, TestCase
from sandbox.images import ImageConfig
from sandbox.precompiled_headers import PrecompiledHeader, leading_includes
from sandbox.worker import HOLD_AFTER

LIMITS = Limits(time_s=10.0, memory_mb=512, compile_time_s=60.0)


def test_the_leading_standard_includes_of_a_humaneval_x_program():
    source = (
        "/*\nCheck if in given vector ... #include <map>\n*/\n"
        "#include<stdio.h>\n#include <vector>\n  #  include <math.h>  \n"
        "using namespace std;\n#include <algorithm>\n"
    )
    assert leading_includes(source) == ("stdio.h", "vector", "math.h")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # A macro first may change what every header means: no PCH at all.
        ("#define _GLIBCXX_DEBUG\n#include <vector>\n", ()),
        ("#undef NDEBUG\n#include <assert.h>\n", ()),
        # A header of the program's or a library's ends the prefix.
        ("#include <vector>\n#include <boost/any.hpp>\n#include <string>\n", ("vector",)),
        ('#include "vector"\n', ()),
        ("#include <vector> // the vector\n", ()),
        # A comment continued onto the next line hides what follows.
        ("#include <vector>\n// note \\\n#include <string>\n", ("vector",)),
        ("int x;\n#include <vector>\n", ()),
        ("#include <vector>", ()),  # no end of line: not a whole directive
        (
            "// a\n/* b */\n#include <cstdio>\n#include <bits/stdc++.h>\n",
            ("cstdio", "bits/stdc++.h"),
        ),
    ],
)
def test_only_a_prefix_of_standard_includes_counts(source, expected):
    assert leading_includes(source) == expected


def test_the_header_text_is_the_programs_includes_in_its_order():
    header = PrecompiledHeader(("stdio.h", "vector"))
    assert header.text == "#include <stdio.h>\n#include <vector>\n"
    assert header.path.startswith(header.directory + "/")
    assert header.directory != PrecompiledHeader(("vector", "stdio.h")).directory


def open_backend(request, backend: str, **config):
    if backend == "docker":
        client = request.getfixturevalue("docker_client")
        image = request.getfixturevalue("host_image")
        return DockerSandbox(images=ImageConfig.host(image), client=client, limits=LIMITS, **config)
    return ProcessSandbox(limits=LIMITS, **config)


@pytest.fixture(params=["process", "docker"])
def backend(request):
    return request.param


def lookups(sandbox) -> int:
    return sandbox.header_store.hits + sandbox.header_store.misses


SORTS = (
    "#include <stdio.h>\n#include <vector>\n#include <algorithm>\nusing namespace std;\n"
    "int main(){ vector<int> v={3,1,2}; sort(v.begin(), v.end());"
    ' printf("%d%d%d\\n", v[0], v[1], v[2]); }\n'
)
# Uses std::sort without <algorithm>: the plain compile rejects it, and so must a compile
# with a PCH (a PCH of more headers than the program's would accept it).
FORGOT_ALGORITHM = SORTS.replace("#include <algorithm>\n", "")
# An error inside a standard header's template: the diagnostics name the include chain.
TEMPLATE_ERROR = (
    "#include <vector>\n#include <algorithm>\nstruct X {};\n"
    "int main(){ std::vector<X> v; std::sort(v.begin(), v.end()); }\n"
)


def hold(sandbox) -> None:
    """Run SORTS until the worker holds its PCH (asked for HOLD_AFTER times)."""
    for _ in range(HOLD_AFTER):
        ran = sandbox.run(Program("Cpp", SORTS), [TestCase("", "123\n")])
        assert ran.status is Status.OK, ran.compile_output


def test_a_precompiled_compile_answers_what_the_plain_compile_does(request, backend):
    with (
        open_backend(request, backend, workers=1, compile_cache=False) as fast,
        open_backend(
            request, backend, workers=1, compile_cache=False, warm_compilers=False
        ) as cold,
    ):
        before = lookups(fast)
        hold(fast)
        assert lookups(fast) == before + 1  # the PCH of <stdio.h>, <vector>, <algorithm>
        for source in (FORGOT_ALGORITHM, TEMPLATE_ERROR):
            want, got = cold.run(Program("Cpp", source)), fast.run(Program("Cpp", source))
            assert got.status is want.status is Status.COMPILE_ERROR
            assert got.compile_output == want.compile_output
            assert "codepref-pch" not in got.compile_output
        assert "required from here" in fast.run(Program("Cpp", TEMPLATE_ERROR)).compile_output


def test_a_macro_before_the_includes_compiles_without_a_pch(request, backend):
    # _GLIBCXX_ASSERTIONS turns on the bounds check of operator[]: a PCH made without it
    # would silently drop the check.
    source = (
        "#define _GLIBCXX_ASSERTIONS\n#include <vector>\n"
        "int main(){ std::vector<int> v(1); return v[5]; }\n"
    )
    with open_backend(request, backend, workers=1, compile_cache=False) as fast:
        before = lookups(fast)
        result = fast.run(Program("Cpp", source))
        assert lookups(fast) == before
    assert result.status is Status.RUNTIME_ERROR
    assert "__n < this->size()" in result.tests[0].stderr_tail


def test_a_program_never_sees_a_precompiled_header(request, backend):
    # Its leading includes start with SORTS's: its compile uses the PCH SORTS left held.
    lister = (
        "#include <stdio.h>\n#include <vector>\n#include <algorithm>\n#include <filesystem>\n"
        "namespace fs = std::filesystem;\n"
        'int main(){ for (const char* d : {"/tmp", "/var/tmp", "/dev/shm"}) {\n'
        "  std::error_code e; if (!fs::exists(d, e)) continue;\n"
        "  for (auto it = fs::recursive_directory_iterator(d, e);\n"
        "       it != fs::recursive_directory_iterator(); it.increment(e))\n"
        '    printf("%s\\n", it->path().c_str()); } }\n'
    )
    with open_backend(request, backend, workers=1, compile_cache=False) as fast:
        hold(fast)
        result = fast.run(Program("Cpp", lister))
    assert result.status is Status.OK, result.compile_output
    assert "codepref-pch" not in result.tests[0].stdout_tail
