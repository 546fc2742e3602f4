function ways(amount, coins) {
  if (amount === 0) return 1;
  if (amount < 0 || coins.length === 0) return 0;
  return ways(amount - coins[0], coins) + ways(amount, coins.slice(1));
}

function bundleCount(amount) {
  return ways(amount, [50, 20, 10, 5, 1]);
}

module.exports = { bundleCount };
