const input = require("fs").readFileSync(0, "utf8");

function compute(n) {
  let t = 0, s = 0;
  for (let i = 1; i <= n; i++) {
    t = (t + i) % 1000000007;
    s = (s + t) % 1000000007;
  }
  return s;
}

const answers = input.split(/\s+/).filter((token) => token.length > 0).map((token) => compute(Number(token)));
console.log(answers.join("\n"));
