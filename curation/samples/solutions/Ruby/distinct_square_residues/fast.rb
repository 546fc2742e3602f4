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

answers = $stdin.read.split.map { |token| compute(token.to_i) }
puts answers.join("\n")
