"""The per-language recipes, and every language end to end in both backends."""

from __future__ import annotations

import pytest

from curation.languages import LANGUAGE_NAMES
from sandbox import Program, Status, TestCase
from sandbox.runners import HELLO_WORLD, RUNNERS, java_class_name, runner_for

ECHO_SUM = {
    "C": '#include <stdio.h>\nint main(void){long a,b; scanf("%ld %ld",&a,&b);'
    ' printf("%ld\\n",a+b); return 0;}\n',
    "Cpp": "#include <iostream>\nint main(){long a,b; std::cin>>a>>b; std::cout<<a+b<<'\\n';}\n",
    "CSharp": "using System; class P { static void Main(){ var p = Console.ReadLine()"
    ".Split(' '); Console.WriteLine(long.Parse(p[0]) + long.Parse(p[1])); } }\n",
    "Go": 'package main\nimport "fmt"\nfunc main(){ var a, b int64; fmt.Scan(&a, &b);'
    " fmt.Println(a + b) }\n",
    "Java": "import java.util.*;\nclass Helper {}\npublic class Summer { public static void"
    " main(String[] x){ Scanner s = new Scanner(System.in);"
    " System.out.println(s.nextLong() + s.nextLong()); } }\n",
    "JavaScript": 'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(" ")'
    ".map(Number);\nconsole.log(a + b);\n",
    "Python": "a, b = map(int, input().split())\nprint(a + b)\n",
    "Ruby": "a, b = gets.split.map(&:to_i)\nputs a + b\n",
}


def test_every_language_has_a_recipe_and_a_hello_world():
    assert set(RUNNERS) == set(LANGUAGE_NAMES) == set(HELLO_WORLD) == set(ECHO_SUM)
    assert runner_for("c++") is RUNNERS["Cpp"]
    assert runner_for("C#").compile_argv("x")[0] == "mcs"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("class Solution {}\npublic class Main { public static void main(String[] a){} }", "Main"),
        ("public final class Fast { }", "Fast"),
        ("class A {}\nclass B { public static void main(String[] a){} }\nclass C {}", "B"),
        ("/* public class Fake */ class Real { static void main(String[] a){} }", "Real"),
        ('class Q { String s = "public class Nope"; }', "Main"),
    ],
)
def test_java_class_name(source, name):
    assert java_class_name(source) == name
    assert runner_for("Java").source_name(source) == f"{name}.java"
    assert runner_for("Java").run_argv(source)[-1] == name


def test_the_fast_path_adds_its_link_options_and_the_header_and_nothing_else():
    cpp = runner_for("Cpp")
    plain = cpp.compile_argv("int main(){}")
    header = "/tmp/.codepref-pch-1/codepref-pch.h"
    assert cpp.compile_argv("int main(){}", fast=False) == plain
    fast = cpp.compile_argv("int main(){}", header, fast=True)
    assert fast[:3] == ["g++", "-include", header]
    assert fast[fast.index("main.cpp") - 1] == "-fuse-ld=gold"
    assert [part for part in fast if part not in ("-fuse-ld=gold", "-include", header)] == plain
    assert cpp.compile_argv("int main(){}", header)[:3] == ["g++", "-include", header]
    go = runner_for("Go")
    test = 'package main\nimport "testing"\nfunc TestX(t *testing.T) {}\n'
    assert go.compile_argv(test, fast=True) == [
        "go",
        "test",
        "-c",
        "-o",
        "main",
        "-ldflags=-w",
        "main_test.go",
    ]
    assert go.compile_argv(test) == ["go", "test", "-c", "-o", "main", "main_test.go"]
    assert runner_for("C").compile_argv("", fast=True) == runner_for("C").compile_argv("")


def test_recipes_expand_the_source_name():
    assert runner_for("Cpp").compile_argv("int main(){}")[:3] == ["g++", "-O2", "-std=c++17"]
    assert "main.cpp" in runner_for("Cpp").compile_argv("")
    assert runner_for("Python").run_argv("") == ["python3", "-u", "main.py"]
    assert runner_for("Python").compile_argv("") is None
    env = runner_for("Go").environment("/tmp/job1")
    assert env["HOME"] == "/tmp/job1" and env["GOPROXY"] == "off" and env["GO111MODULE"] == "off"
    files = runner_for("Ruby").files(Program("Ruby", "puts 1", {"data.txt": "x"}))
    assert files == {"data.txt": "x", "main.rb": "puts 1"}
    for bad in ("../up.txt", "/etc/passwd", ""):
        with pytest.raises(ValueError, match="relative path"):
            runner_for("Ruby").files(Program("Ruby", "puts 1", {bad: "x"}))


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGE_NAMES)
def test_hello_world_and_stdin_stdout_in_every_language(sandbox, language):
    hello = sandbox.run(Program(language, HELLO_WORLD[language]), [TestCase("", "hello\n")])
    assert hello.status is Status.OK, hello.stderr_tail or hello.compile_output
    tests = [TestCase("2 3\n", "5\n"), TestCase("40 2\n", "42\n"), TestCase("1 1\n", "3\n")]
    summed = sandbox.run(Program(language, ECHO_SUM[language]), tests)
    assert [o.status for o in summed.tests] == [Status.OK, Status.OK, Status.WRONG_ANSWER]
    assert summed.status is Status.WRONG_ANSWER
    assert summed.tests_passed == 2
    if RUNNERS[language].compile is not None:
        assert summed.compile_s > 0


def test_compile_errors_are_reported_with_the_compiler_output(sandbox):
    result = sandbox.run(Program("Cpp", "int main() { return undefined_name; }\n"))
    assert result.status is Status.COMPILE_ERROR
    assert "undefined_name" in result.compile_output
    assert result.tests == ()


def test_extra_files_sit_beside_the_program(sandbox):
    program = Program("Python", "print(open('data/in.txt').read())\n", {"data/in.txt": "42"})
    assert sandbox.run(program, [TestCase("", "42\n")]).status is Status.OK
