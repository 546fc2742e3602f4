const input = require("fs").readFileSync(0, "utf8");

function compute(n) {
  let best = -1000000000000;
  for (let l = 1; l <= n; l++) {
    let cur = 0;
    for (let r = l; r <= n; r++) {
      cur += r * 7919 % 1000 - 500;
      best = cur > best ? cur : best;
    }
  }
  return best;
}

const answers = input.split(/\s+/).filter((token) => token.length > 0).map((token) => compute(Number(token)));
console.log(answers.join("\n"));
