using System;
using System.Text;

public class Program
{
    static long Compute(long n)
    {
        bool[] seen = new bool[1009];
        long count = 0;
        for (long i = 1; i <= n; i++) {
            int r = (int)(i * i % 1009);
            if (!seen[r]) {
                seen[r] = true;
                count++;
            }
        }
        return count;
    }

    // Answers cached for every n up to the input bound, allocated up front.
    const int Bound = 4000000;
    static long[] memo;

    static long Solve(long n)
    {
        if (memo == null)
        {
            memo = new long[Bound];
            for (int i = 0; i < Bound; i++)
            {
                memo[i] = -1;
            }
        }
        if (memo[n] < 0)
        {
            memo[n] = Compute(n);
        }
        return memo[n];
    }

    public static void Main()
    {
        string[] parts = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        StringBuilder output = new StringBuilder();
        foreach (string part in parts)
        {
            output.Append(Solve(long.Parse(part))).Append('\n');
        }
        Console.Write(output.ToString());
    }
}
