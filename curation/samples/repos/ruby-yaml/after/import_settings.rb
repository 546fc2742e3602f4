require "yaml"

ALLOWED_SETTINGS = %w[LOG_LEVEL TIMEZONE CACHE_SIZE].freeze

def import_settings(path)
  data = YAML.safe_load(File.read(path), permitted_classes: [], aliases: false)
  raise ArgumentError, "#{path}: settings must be a mapping" unless data.is_a?(Hash)

  data.each do |key, value|
    unless ALLOWED_SETTINGS.include?(key)
      raise ArgumentError, "#{path}: setting #{key} is not allowed"
    end
    ENV[key] = value.to_s
  end
end
