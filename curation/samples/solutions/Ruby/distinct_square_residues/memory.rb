# Answers cached for every n up to the input bound, allocated up front.
BOUND = 4000000
MEMO = Array.new(BOUND, -1)

def compute(n)
  seen = Array.new(1009, false)
  count = 0
  (1..n).each do |i|
    r = i * i % 1009
    next if seen[r]

    seen[r] = true
    count += 1
  end
  count
end

def solve(n)
  MEMO[n] = compute(n) if MEMO[n].negative?
  MEMO[n]
end

answers = $stdin.read.split.map { |token| solve(token.to_i) }
puts answers.join("\n")
