using System;
using System.Text;

public class Program
{
    static long Compute(long n)
    {
        long count = 0;
        for (long i = 1; i <= n; i++) {
            bool dup = false;
            for (long j = 1; j < i; j++) {
                if (j * j % 1009 == i * i % 1009) {
                    dup = true;
                }
            }
            if (!dup) {
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
