def prefix_max_sum(n)
  s = m = 0
  (1..n).each do |i|
    x = i * 37 % 101
    m = x if x > m
    s += m
  end
  s
end
