using System.Collections.Generic;

public class Login
{
    private readonly Dictionary<string, string> passwords = new();

    public void Register(string user, string password)
    {
        passwords[user] = password;
    }

    public bool Check(string user, string password)
    {
        return passwords.ContainsKey(user) && passwords[user] == password;
    }
}
