using System.Data.SqlClient;

public class CustomerRepository
{
    private readonly string connectionString;

    public CustomerRepository(string connectionString) => this.connectionString = connectionString;

    public int Count(string city)
    {
        var connection = new SqlConnection(connectionString);
        connection.Open();
        var command = new SqlCommand("SELECT COUNT(*) FROM Customers WHERE City = '" + city + "'", connection);
        return (int)command.ExecuteScalar();
    }
}
