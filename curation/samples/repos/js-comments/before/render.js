function renderComment(list, comment) {
  const item = document.createElement("li");
  item.innerHTML = "<b>" + comment.author + "</b>: " + comment.text;
  list.appendChild(item);
}

function renderAll(list, comments) {
  for (const comment of comments) {
    renderComment(list, comment);
  }
}

module.exports = { renderAll };
