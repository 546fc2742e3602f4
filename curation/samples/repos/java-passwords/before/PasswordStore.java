import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

public class PasswordStore {
    private final Map<String, String> hashes = new HashMap<>();

    public void set(String user, String password) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        hashes.put(user, new String(md5.digest(password.getBytes())));
    }

    public boolean check(String user, String password) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        return new String(md5.digest(password.getBytes())).equals(hashes.get(user));
    }
}
