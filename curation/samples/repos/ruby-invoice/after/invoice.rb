class Invoice
  TAX_RATE = 0.2

  def initialize(lines)
    @lines = lines
  end

  def net
    @lines.sum { |line| line[:quantity] * line[:price] }
  end

  def tax
    net * TAX_RATE
  end

  def total
    net + tax
  end

  def summary
    ["Net: #{net}", "Tax: #{tax}", "Total: #{total}"].join("\n")
  end
end
