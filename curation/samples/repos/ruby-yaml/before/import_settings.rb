require "yaml"

def import_settings(path)
  data = YAML.load(File.read(path))
  data.each do |key, value|
    ENV[key] = value.to_s
  end
end
