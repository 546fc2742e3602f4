require "json"

def export_events(source, target)
  File.open(target, "w") do |out|
    File.foreach(source) do |line|
      event = JSON.parse(line)
      out.puts(JSON.generate(event)) unless event["level"] == "debug"
    end
  end
end
