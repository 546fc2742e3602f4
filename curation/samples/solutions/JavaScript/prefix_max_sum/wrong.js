function prefixMaxSum(n) {
  let s = 0, m = 0;
  for (let i = 1; i <= n; i++) {
    let x = i * 37 % 101;
    s += m;
    m = x > m ? x : m;
  }
  return s;
}
