const isBlank = (value) => value === undefined || value === null || value.trim() === "";

const rules = [
  (form) => (isBlank(form.name) ? "name missing" : null),
  (form) => {
    if (isBlank(form.email)) return "email missing";
    return form.email.includes("@") ? null : "email invalid";
  },
  (form) => {
    if (isBlank(form.password)) return "password missing";
    return form.password.length < 8 ? "password short" : null;
  },
  (form) => (form.password === form.passwordRepeat ? null : "passwords differ"),
];

function validateSignup(form) {
  return rules.map((rule) => rule(form)).filter((error) => error !== null);
}

module.exports = validateSignup;
