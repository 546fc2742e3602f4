function withTags(posts, wanted) {
  return posts.filter(function (post) {
    return wanted.every(function (tag) {
      return post.tags.indexOf(tag) !== -1;
    });
  });
}

module.exports = withTags;
