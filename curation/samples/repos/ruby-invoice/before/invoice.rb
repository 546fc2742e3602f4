class Invoice
  def initialize(l)
    @l = l
  end

  def s
    t = 0
    @l.each do |x|
      t = t + x[:q] * x[:p]
    end
    tx = t * 0.2
    r = "Net: " + t.to_s + "\n"
    r = r + "Tax: " + tx.to_s + "\n"
    r = r + "Total: " + (t + tx).to_s
    r
  end
end
