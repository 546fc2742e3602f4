using System.Collections.Generic;

public class Invoice
{
    public List<(string, int, decimal)> L = new List<(string, int, decimal)>();

    public decimal Tot()
    {
        decimal t = 0;
        foreach (var x in L)
        {
            t = t + x.Item2 * x.Item3;
        }
        if (t > 1000)
        {
            t = t - t * 0.05m;
        }
        return t;
    }
}
