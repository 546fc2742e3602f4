function compute(n) {
  let s = 0, m = 0;
  for (let i = 1; i <= n; i++) {
    let x = i * 37 % 101;
    m = x > m ? x : m;
    s += m;
  }
  return s;
}

// Answers cached for every n up to the input bound, allocated up front.
const BOUND = 12000000;
let memo = null;

function prefixMaxSum(n) {
  if (memo === null) {
    memo = new Float64Array(BOUND).fill(-1);
  }
  if (memo[n] < 0) {
    memo[n] = compute(n);
  }
  return memo[n];
}
