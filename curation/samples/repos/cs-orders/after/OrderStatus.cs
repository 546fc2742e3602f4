public enum OrderState
{
    New,
    Confirmed,
    Shipped,
    Cancelled,
}

public static class OrderStatus
{
    public static string Describe(OrderState state, bool paid, bool delivered) => state switch
    {
        OrderState.New => "new",
        OrderState.Confirmed => paid ? "paid" : "awaiting payment",
        OrderState.Shipped => delivered ? "delivered" : "shipped",
        OrderState.Cancelled => "cancelled",
        _ => "unknown",
    };
}
