function renderProfile(container, user) {
  container.innerHTML =
    "<h2>" + user.name + "</h2>" +
    "<p>" + user.bio + "</p>" +
    "<a href='" + user.website + "'>website</a>";
}

module.exports = renderProfile;
