using System;
using System.Data;
using System.Data.SqlClient;

public class CustomerRepository
{
    private readonly string connectionString;

    public CustomerRepository(string connectionString) => this.connectionString = connectionString;

    public int Count(string city)
    {
        if (city is null) throw new ArgumentNullException(nameof(city));
        using var connection = new SqlConnection(connectionString);
        connection.Open();
        using var command = new SqlCommand("SELECT COUNT(*) FROM Customers WHERE City = @city", connection);
        command.Parameters.Add("@city", SqlDbType.NVarChar, 100).Value = city;
        return (int)command.ExecuteScalar();
    }
}
