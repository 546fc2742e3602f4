function total(c) {
  var t = 0;
  for (var i = 0; i < c.length; i++) {
    if (c[i].q > 0) {
      var p = c[i].p * c[i].q;
      if (c[i].d) {
        p = p - p * c[i].d;
      }
      t = t + p;
    }
  }
  return Math.round(t * 100) / 100;
}

module.exports = { total };
