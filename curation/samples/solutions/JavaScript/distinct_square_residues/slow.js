const input = require("fs").readFileSync(0, "utf8");

function compute(n) {
  let count = 0;
  for (let i = 1; i <= n; i++) {
    let dup = false;
    for (let j = 1; j < i; j++) {
      if (j * j % 1009 == i * i % 1009) {
        dup = 1;
      }
    }
    if (!dup) {
      count++;
    }
  }
  return count;
}

const answers = input.split(/\s+/).filter((token) => token.length > 0).map((token) => compute(Number(token)));
console.log(answers.join("\n"));
