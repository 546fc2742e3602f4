def compute(n)
  s = 0
  (1..n).each do |i|
    (1..i).each { |j| s += 1 if (i % j).zero? }
  end
  s
end

answers = $stdin.read.split.map { |token| compute(token.to_i) }
puts answers.join("\n")
