import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

public class PasswordStore {
    private static final int ITERATIONS = 210_000;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, byte[][]> entries = new HashMap<>();

    private static byte[] derive(char[] password, byte[] salt) throws Exception {
        PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, 256);
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    }

    public void set(String user, char[] password) throws Exception {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        entries.put(user, new byte[][] {salt, derive(password, salt)});
    }

    public boolean check(String user, char[] password) throws Exception {
        byte[][] entry = entries.get(user);
        if (entry == null) {
            return false;
        }
        return MessageDigest.isEqual(entry[1], derive(password, entry[0]));
    }
}
