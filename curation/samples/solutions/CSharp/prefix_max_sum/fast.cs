using System;
using System.Text;

public class Program
{
    static long Compute(long n)
    {
        long s = 0, m = 0;
        for (long i = 1; i <= n; i++) {
            long x = i * 37 % 101;
            m = x > m ? x : m;
            s += m;
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
