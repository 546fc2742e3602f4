class Backup
  def initialize(root)
    @root = root
  end

  def archive(project)
    system("tar czf /tmp/#{project}.tgz #{@root}/#{project}")
  end
end
