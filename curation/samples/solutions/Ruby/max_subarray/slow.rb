def compute(n)
  best = -1_000_000_000_000
  (1..n).each do |left|
    cur = 0
    (left..n).each do |right|
      cur += right * 7919 % 1000 - 500
      best = cur if cur > best
    end
  end
  best
end

answers = $stdin.read.split.map { |token| compute(token.to_i) }
puts answers.join("\n")
