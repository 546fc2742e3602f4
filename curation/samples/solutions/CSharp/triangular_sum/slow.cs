using System;
using System.Text;

public class Program
{
    static long Compute(long n)
    {
        long s = 0;
        for (long i = 1; i <= n; i++) {
            long t = 0;
            for (long j = 1; j <= i; j++) {
                t = (t + j) % 1000000007;
            }
            s = (s + t) % 1000000007;
        }
        return s;
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
