using System.Collections.Generic;

public static class Duplicates
{
    public static List<string> Find(IEnumerable<string> orderIds)
    {
        var seen = new HashSet<string>();
        var reported = new HashSet<string>();
        var result = new List<string>();
        foreach (var id in orderIds)
        {
            if (!seen.Add(id) && reported.Add(id))
            {
                result.Add(id);
            }
        }
        return result;
    }
}
