def tagged_posts(posts, wanted_tags)
  posts.select do |post|
    post[:tags].any? { |tag| wanted_tags.include?(tag) }
  end
end

def tag_counts(posts)
  tags = posts.flat_map { |post| post[:tags] }
  tags.uniq.map { |tag| [tag, tags.count(tag)] }.to_h
end
