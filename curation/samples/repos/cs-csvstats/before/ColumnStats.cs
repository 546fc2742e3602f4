using System.Collections.Generic;

public class ColumnStats
{
    public static double[] Calc(List<string> l, int c)
    {
        double a = 0, b = double.MaxValue, d = double.MinValue;
        int n = 0;
        foreach (var x in l)
        {
            var p = x.Split(',');
            var v = double.Parse(p[c]);
            a += v;
            if (v < b) b = v;
            if (v > d) d = v;
            n++;
        }
        return new double[] { a / n, b, d };
    }
}
