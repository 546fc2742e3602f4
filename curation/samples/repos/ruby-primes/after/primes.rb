def primes_up_to(limit)
  return [] if limit < 2

  composite = Array.new(limit + 1, false)
  (2..Integer.sqrt(limit)).each do |n|
    next if composite[n]

    (n * n).step(limit, n) { |multiple| composite[multiple] = true }
  end
  (2..limit).reject { |n| composite[n] }
end
