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
