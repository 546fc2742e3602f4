public static class OrderStatus
{
    public static string Describe(int s, bool p, bool d)
    {
        string r;
        if (s == 0) { r = "new"; }
        else if (s == 1) { if (p) { r = "paid"; } else { r = "awaiting payment"; } }
        else if (s == 2) { if (d) { r = "delivered"; } else { r = "shipped"; } }
        else if (s == 3) { r = "cancelled"; }
        else { r = "unknown"; }
        return r;
    }
}
