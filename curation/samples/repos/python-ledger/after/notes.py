# Ledger notes
# Amounts are stored in the currency they were booked in.
# Reports convert them to US dollars at a fixed rate.
