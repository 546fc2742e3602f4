# Summary lines of the positive entries of a metrics hash.
module Report
  module_function

  def positive_entries(metrics)
    metrics.select { |_name, value| value&.positive? }
  end

  def render(metrics)
    positive_entries(metrics).map { |name, value| "#{name}: #{value}\n" }.join
  end

  def total(metrics)
    positive_entries(metrics).values.sum
  end
end
