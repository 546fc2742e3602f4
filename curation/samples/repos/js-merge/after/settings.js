const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function merge(target, source) {
  for (const key of Object.keys(source)) {
    if (FORBIDDEN_KEYS.has(key)) {
      continue;
    }
    const value = source[key];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      if (!Object.prototype.hasOwnProperty.call(target, key)) {
        target[key] = Object.create(null);
      }
      merge(target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

module.exports = merge;
