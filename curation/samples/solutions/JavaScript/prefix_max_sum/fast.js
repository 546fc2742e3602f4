function prefixMaxSum(n) {
  let s = 0, m = 0;
  for (let i = 1; i <= n; i++) {
    let x = i * 37 % 101;
    m = x > m ? x : m;
    s += m;
  }
  return s;
}
