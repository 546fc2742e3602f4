function ways(amount, coins) {
  const counts = new Array(amount + 1).fill(0);
  counts[0] = 1;
  for (const coin of coins) {
    for (let value = coin; value <= amount; value++) {
      counts[value] += counts[value - coin];
    }
  }
  return counts[amount];
}

function bundleCount(amount) {
  return ways(amount, [50, 20, 10, 5, 1]);
}

module.exports = { bundleCount };
