/** Price of one cart line after its discount (a fraction between 0 and 1). */
function linePrice({ price, quantity, discount = 0 }) {
  return price * quantity * (1 - discount);
}

function roundCents(amount) {
  return Math.round(amount * 100) / 100;
}

/** Total of the cart lines with a positive quantity, rounded to cents. */
function total(lines) {
  const sum = lines
    .filter((line) => line.quantity > 0)
    .reduce((acc, line) => acc + linePrice(line), 0);
  return roundCents(sum);
}

module.exports = { total };
