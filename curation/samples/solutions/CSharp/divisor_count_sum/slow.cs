using System;
using System.Text;

public class Program
{
    static long Compute(long n)
    {
        long s = 0;
        for (long i = 1; i <= n; i++) {
            for (long j = 1; j <= i; j++) {
                if (i % j == 0) {
                    s++;
                }
            }
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
