function safeUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function renderProfile(container, user) {
  const document = container.ownerDocument;
  const heading = document.createElement("h2");
  heading.textContent = user.name;
  const bio = document.createElement("p");
  bio.textContent = user.bio;
  container.replaceChildren(heading, bio);
  const href = safeUrl(user.website);
  if (href) {
    const link = document.createElement("a");
    link.href = href;
    link.rel = "noopener noreferrer";
    link.textContent = "website";
    container.append(link);
  }
}

module.exports = renderProfile;
