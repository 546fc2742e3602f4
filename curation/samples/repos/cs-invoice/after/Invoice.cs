using System.Collections.Generic;
using System.Linq;

public record LineItem(string Product, int Quantity, decimal UnitPrice)
{
    public decimal Amount => Quantity * UnitPrice;
}

public class Invoice
{
    private const decimal BulkThreshold = 1000m;
    private const decimal BulkDiscount = 0.05m;

    public List<LineItem> Items { get; } = new();

    /// <summary>The invoice total, with the bulk discount above the threshold.</summary>
    public decimal Total()
    {
        decimal subtotal = Items.Sum(item => item.Amount);
        return subtotal > BulkThreshold ? subtotal * (1 - BulkDiscount) : subtotal;
    }
}
