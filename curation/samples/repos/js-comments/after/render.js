function renderComment(list, comment) {
  const item = document.createElement("li");
  const author = document.createElement("b");
  author.textContent = String(comment.author);
  item.appendChild(author);
  item.appendChild(document.createTextNode(": " + String(comment.text)));
  list.appendChild(item);
}

function renderAll(list, comments) {
  for (const comment of comments) {
    renderComment(list, comment);
  }
}

module.exports = { renderAll };
