def compute(n)
  count = 0
  (1..n).each do |i|
    dup = false
    (1...i).each { |j| dup = true if j * j % 1009 == i * i % 1009 }
    count += 1 unless dup
  end
  count
end

answers = $stdin.read.split.map { |token| compute(token.to_i) }
puts answers.join("\n")
