import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

public class AccountDao {
    private static final String EXISTS = "SELECT 1 FROM accounts WHERE username = ?";
    private final Connection connection;

    public AccountDao(Connection connection) {
        this.connection = connection;
    }

    public boolean exists(String username) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(EXISTS)) {
            statement.setString(1, username);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }
}
