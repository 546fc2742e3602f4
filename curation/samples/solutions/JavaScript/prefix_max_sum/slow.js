function prefixMaxSum(n) {
  let s = 0;
  for (let i = 1; i <= n; i++) {
    let m = 0;
    for (let k = 1; k <= i; k++) {
      let x = k * 37 % 101;
      m = x > m ? x : m;
    }
    s += m;
  }
  return s;
}
