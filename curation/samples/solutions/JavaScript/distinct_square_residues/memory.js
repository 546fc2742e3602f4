const input = require("fs").readFileSync(0, "utf8");

function compute(n) {
  const seen = new Uint8Array(1009);
  let count = 0;
  for (let i = 1; i <= n; i++) {
    const r = (i * i % 1009);
    if (!seen[r]) {
      seen[r] = 1;
      count++;
    }
  }
  return count;
}

// Answers cached for every n up to the input bound, allocated up front.
const BOUND = 12000000;
let memo = null;

function solve(n) {
  if (memo === null) {
    memo = new Float64Array(BOUND).fill(-1);
  }
  if (memo[n] < 0) {
    memo[n] = compute(n);
  }
  return memo[n];
}

const answers = input.split(/\s+/).filter((token) => token.length > 0).map((token) => solve(Number(token)));
console.log(answers.join("\n"));
