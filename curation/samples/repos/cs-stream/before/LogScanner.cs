using System.IO;
using System.Linq;

public static class LogScanner
{
    public static int CountWarnings(string path)
    {
        string[] lines = File.ReadAllLines(path);
        return lines.ToList().Where(line => line.Contains("WARN")).ToList().Count;
    }
}
