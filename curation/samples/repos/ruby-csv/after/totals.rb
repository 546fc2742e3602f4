require "csv"

def total_amount(path)
  total = 0.0
  CSV.foreach(path, headers: true) do |row|
    total += row["amount"].to_f
  end
  total
end
