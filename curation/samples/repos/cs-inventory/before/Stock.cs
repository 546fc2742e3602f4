using System.Collections.Generic;

public static class Stock
{
    public static List<string> Missing(List<string> ordered, List<string> inStock)
    {
        var missing = new List<string>();
        foreach (var sku in ordered)
        {
            if (!inStock.Contains(sku) && !missing.Contains(sku))
            {
                missing.Add(sku);
            }
        }
        return missing;
    }
}
