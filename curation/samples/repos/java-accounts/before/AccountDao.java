import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

public class AccountDao {
    private final Connection connection;

    public AccountDao(Connection connection) {
        this.connection = connection;
    }

    public boolean exists(String username) throws SQLException {
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT 1 FROM accounts WHERE username = '" + username + "'");
        return rows.next();
    }
}
