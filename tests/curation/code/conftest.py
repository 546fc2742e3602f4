"""Realistic snippets in all 8 languages: a class, nested functions, and a broken twin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Snippet:
    language: str
    valid: str
    functions: list[str]
    broken: str


SNIPPETS: dict[str, Snippet] = {
    "C": Snippet(
        "C",
        """#include <stdio.h>
/* A bounded stack of ints. */
struct stack { int items[64]; int size; };

static int push(struct stack *s, int value) {
    if (s->size >= 64) {
        return -1;  // full
    }
    s->items[s->size++] = value;
    return 0;
}

int *top(struct stack *s) { return s->size ? &s->items[s->size - 1] : NULL; }

int main(void) {
    struct stack s = {0};
    push(&s, 3);
    printf("%d\\n", *top(&s));
    return 0;
}
""",
        ["push", "top", "main"],
        "int main(void) {\n    int x = ;\n    return x\n}\n",
    ),
    "CSharp": Snippet(
        "CSharp",
        """using System;
using System.Linq;

namespace Geometry
{
    // A point in the plane.
    public class Point
    {
        public double X { get; }
        public double Y { get; }

        public Point(double x, double y) { X = x; Y = y; }

        public double DistanceTo(Point other)
        {
            double Square(double v) => v * v;
            return Math.Sqrt(Square(X - other.X) + Square(Y - other.Y));
        }
    }
}
""",
        ["Point", "DistanceTo", "Square"],
        "public class Broken {\n    public int F( { return 1; }\n}\n",
    ),
    "Cpp": Snippet(
        "Cpp",
        """#include <vector>
#include <algorithm>

namespace util {
// Keeps a running median.
class Median {
 public:
  void add(int value) { values_.push_back(value); }
  double get() const;
 private:
  std::vector<int> values_;
};

double Median::get() const {
  auto sorted = values_;
  std::sort(sorted.begin(), sorted.end(), [](int a, int b) { return a < b; });
  return sorted[sorted.size() / 2];
}
}  // namespace util

int main() { util::Median m; m.add(1); return static_cast<int>(m.get()); }
""",
        ["add", "Median::get", "main"],
        "int main() {\n  std::vector<int> v = {1, 2;\n  return 0\n",
    ),
    "Go": Snippet(
        "Go",
        """package main

import "fmt"

// Counter counts words.
type Counter struct{ counts map[string]int }

func NewCounter() *Counter { return &Counter{counts: map[string]int{}} }

func (c *Counter) Add(words ...string) {
	inc := func(w string) { c.counts[w]++ }
	for _, w := range words {
		inc(w)
	}
}

func main() {
	c := NewCounter()
	c.Add("a", "b", "a")
	fmt.Println(c.counts["a"])
}
""",
        ["NewCounter", "Add", "main"],
        "package main\n\nfunc main() {\n\tx := []int{1, 2\n\tfmt.Println(x)\n}\n",
    ),
    "Java": Snippet(
        "Java",
        """import java.util.ArrayList;
import java.util.List;

/** A queue with a maximum size. */
public class BoundedQueue<T> {
    private final List<T> items = new ArrayList<>();
    private final int capacity;

    public BoundedQueue(int capacity) {
        this.capacity = capacity;
    }

    public boolean offer(T item) {
        // Reject when full.
        if (items.size() >= capacity) {
            return false;
        }
        return items.add(item);
    }

    public static void main(String[] args) {
        BoundedQueue<Integer> q = new BoundedQueue<>(1);
        System.out.println(q.offer(1) + " " + q.offer(2));
    }
}
""",
        ["BoundedQueue", "offer", "main"],
        "public class Broken {\n    void f() {\n        int x = (1 + ;\n    }\n}\n",
    ),
    "JavaScript": Snippet(
        "JavaScript",
        """'use strict';

/** An LRU cache on top of Map. */
class LruCache {
  constructor(limit) {
    this.limit = limit;
    this.map = new Map();
  }

  get(key) {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key);
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }
}

function memoize(fn) {
  const cache = new LruCache(100);
  const wrapped = (x) => {
    const hit = cache.get(x); // may be undefined
    return hit === undefined ? fn(x) : hit;
  };
  return wrapped;
}

module.exports = { LruCache, memoize };
""",
        ["constructor", "get", "memoize", "wrapped"],
        "function f( {\n  return [1, 2;\n}\n",
    ),
    "Python": Snippet(
        "Python",
        '''"""Interval utilities."""
from dataclasses import dataclass


@dataclass
class Interval:
    start: int
    end: int

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end


def merge(intervals):
    # Sort, then sweep.
    def key(interval):
        return interval.start

    merged = []
    for current in sorted(intervals, key=key):
        if merged and merged[-1].overlaps(current):
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, current.end))
        else:
            merged.append(current)
    return merged
''',
        ["overlaps", "merge", "key"],
        "def f(x:\n    return x +\n",
    ),
    "Ruby": Snippet(
        "Ruby",
        """# A tiny bank account.
class Account
  attr_reader :balance

  def initialize(balance = 0)
    @balance = balance
  end

  def deposit(amount)
    raise ArgumentError, 'negative' if amount.negative?

    @balance += amount
  end

  def self.open(amount)
    new.tap { |account| account.deposit(amount) }
  end
end

puts Account.open(10).balance
""",
        ["initialize", "deposit", "open"],
        "class Broken\n  def f(\n    [1, 2\n  end\n",
    ),
}


@pytest.fixture(params=sorted(SNIPPETS))
def snippet(request: pytest.FixtureRequest) -> Snippet:
    return SNIPPETS[request.param]
