def primes_up_to(limit)
  (2..limit).select do |n|
    (2...n).none? { |d| (n % d).zero? }
  end
end
