def r(d)
  s = ""
  d.each do |k, v|
    if v != nil
      if v > 0
        s = s + k.to_s + ": " + v.to_s + "\n"
      end
    end
  end
  s
end

def r2(d)
  t = 0
  d.each { |k, v| t = t + v if v != nil && v > 0 }
  t
end
