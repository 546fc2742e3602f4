def prefix_max_sum(n)
  s = 0
  (1..n).each do |i|
    m = 0
    (1..i).each do |k|
      x = k * 37 % 101
      m = x if x > m
    end
    s += m
  end
  s
end
