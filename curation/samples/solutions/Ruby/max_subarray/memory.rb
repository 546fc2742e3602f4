# Answers cached for every n up to the input bound, allocated up front.
BOUND = 4000000
MEMO = Array.new(BOUND, -1)

def compute(n)
  best = -1_000_000_000_000
  cur = 0
  (1..n).each do |i|
    x = i * 7919 % 1000 - 500
    cur = [x, cur + x].max
    best = cur if cur > best
  end
  best
end

def solve(n)
  MEMO[n] = compute(n) if MEMO[n].negative?
  MEMO[n]
end

answers = $stdin.read.split.map { |token| solve(token.to_i) }
puts answers.join("\n")
