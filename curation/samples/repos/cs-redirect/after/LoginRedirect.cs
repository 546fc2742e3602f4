using System;

public static class LoginRedirect
{
    private const string Fallback = "/home";

    public static string Target(string returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl))
        {
            return Fallback;
        }
        bool local = returnUrl.StartsWith("/", StringComparison.Ordinal)
            && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal);
        if (!local || !Uri.IsWellFormedUriString(returnUrl, UriKind.Relative))
        {
            return Fallback;
        }
        return returnUrl;
    }
}
