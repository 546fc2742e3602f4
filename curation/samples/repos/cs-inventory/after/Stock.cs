using System.Collections.Generic;

public static class Stock
{
    public static List<string> Missing(List<string> ordered, List<string> inStock)
    {
        var available = new HashSet<string>(inStock);
        var reported = new HashSet<string>();
        var missing = new List<string>();
        foreach (var sku in ordered)
        {
            if (!available.Contains(sku) && reported.Add(sku))
            {
                missing.Add(sku);
            }
        }
        return missing;
    }
}
