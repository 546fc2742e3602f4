def archive(folder)
  system("tar czf /tmp/#{folder}.tgz #{folder}")
  File.read("/tmp/#{folder}.tgz")
end
