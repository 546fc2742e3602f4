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

answers = $stdin.read.split.map { |token| compute(token.to_i) }
puts answers.join("\n")
