# Answers cached for every n up to the input bound, allocated up front.
BOUND = 4000000
MEMO = Array.new(BOUND, -1)

def compute(n)
  t = s = 0
  (1..n).each do |i|
    t = (t + i) % 1_000_000_007
    s = (s + t) % 1_000_000_007
  end
  s
end

def solve(n)
  MEMO[n] = compute(n) if MEMO[n].negative?
  MEMO[n]
end

answers = $stdin.read.split.map { |token| solve(token.to_i) }
puts answers.join("\n")
