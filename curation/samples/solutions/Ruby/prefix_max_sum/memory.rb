# Answers cached for every n up to the input bound, allocated up front.
BOUND = 4000000
MEMO = Array.new(BOUND, -1)

def compute(n)
  s = m = 0
  (1..n).each do |i|
    x = i * 37 % 101
    m = x if x > m
    s += m
  end
  s
end

def prefix_max_sum(n)
  MEMO[n] = compute(n) if MEMO[n].negative?
  MEMO[n]
end
