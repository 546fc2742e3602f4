require "csv"

def total_amount(path)
  rows = CSV.read(path, headers: true)
  amounts = rows.map { |row| row["amount"].to_f }
  amounts.sum
end
