const input = require("fs").readFileSync(0, "utf8");

function compute(n) {
  let best = -1000000000000, cur = 0;
  for (let i = 1; i <= n; i++) {
    let x = i * 7919 % 1000 - 500;
    cur = cur + x > x ? cur + x : x;
    best = cur > best ? cur : best;
  }
  return best;
}

const answers = input.split(/\s+/).filter((token) => token.length > 0).map((token) => compute(Number(token)));
console.log(answers.join("\n"));
