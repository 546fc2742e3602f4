class Backup
  PROJECT_NAME = /\A[a-z0-9][a-z0-9_-]*\z/

  def initialize(root)
    @root = root
  end

  def archive(project)
    raise ArgumentError, "invalid project name: #{project.inspect}" unless PROJECT_NAME.match?(project)

    system("tar", "czf", "/tmp/#{project}.tgz", "-C", @root, project, exception: true)
  end
end
