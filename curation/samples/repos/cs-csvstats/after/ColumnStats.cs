using System.Collections.Generic;
using System.Globalization;
using System.Linq;

public record Summary(double Mean, double Min, double Max);

public static class ColumnStats
{
    public static Summary Summarize(IEnumerable<string> lines, int column)
    {
        var values = lines
            .Select(line => line.Split(',')[column])
            .Select(cell => double.Parse(cell, CultureInfo.InvariantCulture))
            .ToList();
        return new Summary(values.Average(), values.Min(), values.Max());
    }
}
