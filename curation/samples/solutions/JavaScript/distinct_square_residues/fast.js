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

const answers = input.split(/\s+/).filter((token) => token.length > 0).map((token) => compute(Number(token)));
console.log(answers.join("\n"));
