# Ledger notes
# Amounts are stored in the currency they were booked in.
