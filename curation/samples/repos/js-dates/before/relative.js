function ago(t) {
  var d = (Date.now() - t) / 1000;
  if (d < 60) return Math.floor(d) + " seconds ago";
  if (d < 3600) return Math.floor(d / 60) + " minutes ago";
  if (d < 86400) return Math.floor(d / 3600) + " hours ago";
  if (d < 604800) return Math.floor(d / 86400) + " days ago";
  if (d < 2592000) return Math.floor(d / 604800) + " weeks ago";
  return Math.floor(d / 2592000) + " months ago";
}
module.exports = ago;
