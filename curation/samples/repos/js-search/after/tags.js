function withTags(posts, wanted) {
  return posts.filter((post) => {
    const tags = new Set(post.tags);
    return wanted.every((tag) => tags.has(tag));
  });
}

module.exports = withTags;
