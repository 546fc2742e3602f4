# Answers cached for every n up to the input bound, allocated up front.
BOUND = 4000000
MEMO = Array.new(BOUND, -1)

def compute(n)
  s = 0
  (1..n).each { |j| s += n / j }
  s
end

def solve(n)
  MEMO[n] = compute(n) if MEMO[n].negative?
  MEMO[n]
end

answers = $stdin.read.split.map { |token| solve(token.to_i) }
puts answers.join("\n")
