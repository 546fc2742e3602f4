require "json"

def export_events(source, target)
  lines = File.read(source).split("\n")
  events = lines.map { |line| JSON.parse(line) }
  kept = events.select { |event| event["level"] != "debug" }
  File.write(target, kept.map { |event| JSON.generate(event) }.join("\n") + "\n")
end
