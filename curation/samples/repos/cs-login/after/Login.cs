using System.Collections.Generic;
using System.Security.Cryptography;

public class Login
{
    private const int Iterations = 210_000;
    private readonly Dictionary<string, (byte[] Salt, byte[] Hash)> hashes = new();

    private static byte[] Derive(string password, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);

    public void Register(string user, string password)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        hashes[user] = (salt, Derive(password, salt));
    }

    public bool Check(string user, string password)
    {
        if (!hashes.TryGetValue(user, out var stored))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Derive(password, stored.Salt), stored.Hash);
    }
}
