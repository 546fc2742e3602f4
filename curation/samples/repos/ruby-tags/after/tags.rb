require "set"

def tagged_posts(posts, wanted_tags)
  wanted = wanted_tags.to_set
  posts.select do |post|
    post[:tags].any? { |tag| wanted.include?(tag) }
  end
end

def tag_counts(posts)
  posts.each_with_object(Hash.new(0)) do |post, counts|
    post[:tags].each { |tag| counts[tag] += 1 }
  end
end
