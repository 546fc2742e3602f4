const input = require("fs").readFileSync(0, "utf8");

function compute(n) {
  let s = 0;
  for (let j = 1; j < n; j++) {
    s += (n - n % j) / j;
  }
  return s;
}

const answers = input.split(/\s+/).filter((token) => token.length > 0).map((token) => compute(Number(token)));
console.log(answers.join("\n"));
