function check(f) {
  var e = [];
  if (f.n == undefined || f.n == "") e.push("name missing");
  if (f.e == undefined || f.e == "") e.push("email missing");
  else if (f.e.indexOf("@") == -1) e.push("email invalid");
  if (f.p == undefined || f.p == "") e.push("password missing");
  else if (f.p.length < 8) e.push("password short");
  if (f.p != f.p2) e.push("passwords differ");
  return e;
}
module.exports = check;
