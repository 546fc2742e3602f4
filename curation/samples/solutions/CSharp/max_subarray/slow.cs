using System;
using System.Text;

public class Program
{
    static long Compute(long n)
    {
        long best = -1000000000000L;
        for (long l = 1; l <= n; l++) {
            long cur = 0;
            for (long r = l; r <= n; r++) {
                cur += r * 7919 % 1000 - 500;
                best = cur > best ? cur : best;
            }
        }
        return best;
    }

    public static void Main()
    {
        string[] parts = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        StringBuilder output = new StringBuilder();
        foreach (string part in parts)
        {
            output.Append(Compute(long.Parse(part))).Append('\n');
        }
        Console.Write(output.ToString());
    }
}
