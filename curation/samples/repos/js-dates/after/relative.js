const UNITS = [
  { name: "month", seconds: 30 * 24 * 60 * 60 },
  { name: "week", seconds: 7 * 24 * 60 * 60 },
  { name: "day", seconds: 24 * 60 * 60 },
  { name: "hour", seconds: 60 * 60 },
  { name: "minute", seconds: 60 },
  { name: "second", seconds: 1 },
];

function timeAgo(timestamp, now = Date.now()) {
  const elapsed = Math.max((now - timestamp) / 1000, 0);
  const unit = UNITS.find((candidate) => elapsed >= candidate.seconds) || UNITS[UNITS.length - 1];
  const count = Math.floor(elapsed / unit.seconds);
  return `${count} ${unit.name}${count === 1 ? "" : "s"} ago`;
}

module.exports = timeAgo;
