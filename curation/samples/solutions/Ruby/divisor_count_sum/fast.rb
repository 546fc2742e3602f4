def compute(n)
  s = 0
  (1..n).each { |j| s += n / j }
  s
end

answers = $stdin.read.split.map { |token| compute(token.to_i) }
puts answers.join("\n")
