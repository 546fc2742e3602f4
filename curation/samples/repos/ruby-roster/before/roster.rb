def g(p)
  h = {}
  p.each do |x|
    if h[x[:team]] == nil
      h[x[:team]] = []
    end
    h[x[:team]] << x[:name]
  end
  h.keys.each do |k|
    h[k] = h[k].sort
  end
  h
end
