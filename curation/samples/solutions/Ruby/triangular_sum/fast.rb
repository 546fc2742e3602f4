def compute(n)
  t = s = 0
  (1..n).each do |i|
    t = (t + i) % 1_000_000_007
    s = (s + t) % 1_000_000_007
  end
  s
end

answers = $stdin.read.split.map { |token| compute(token.to_i) }
puts answers.join("\n")
