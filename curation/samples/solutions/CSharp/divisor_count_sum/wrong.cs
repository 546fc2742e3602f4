using System;
using System.Text;

public class Program
{
    static long Compute(long n)
    {
        long s = 0;
        for (long j = 1; j < n; j++) {
            s += (n - n % j) / j;
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
