public static class LoginRedirect
{
    public static string Target(string returnUrl)
    {
        if (returnUrl != null && returnUrl.Length > 0)
        {
            return returnUrl;
        }
        return "/home";
    }
}
