def prefix_max_sum(n)
  s = m = 0
  (1..n).each do |i|
    s += m
    x = i * 37 % 101
    m = x if x > m
  end
  s
end
