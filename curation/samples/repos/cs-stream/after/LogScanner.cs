using System.IO;
using System.Linq;

public static class LogScanner
{
    public static int CountWarnings(string path) =>
        File.ReadLines(path).Count(line => line.Contains("WARN"));
}
