using System.Collections.Generic;

public static class Duplicates
{
    public static List<string> Find(List<string> orderIds)
    {
        var result = new List<string>();
        for (int i = 0; i < orderIds.Count; i++)
        {
            for (int j = i + 1; j < orderIds.Count; j++)
            {
                if (orderIds[i] == orderIds[j] && !result.Contains(orderIds[i]))
                {
                    result.Add(orderIds[i]);
                }
            }
        }
        return result;
    }
}
