using System;
using System.IO;
using System.Reflection;
using System.Text;

/// <summary>
/// A warm mcs for the codepref sandbox: one Mono process that compiles many programs, one
/// at a time, in the protocol of CompileServer.java.
///
/// Each request is one line on stdin, the mcs arguments separated by NUL; the answer is
/// "EXIT LENGTH\n" and then LENGTH bytes of what the mcs command would have printed, its
/// stderr (diagnostics) before its stdout (the summary line), as the sandbox joins a
/// command's streams. A request runs the steps of mcs's own Main, found by reflection in
/// the mcs.exe beside the runtime's mscorlib, with the console redirected to the request's
/// two streams and the compiler's static state reset after each compile. An exception
/// that Main would not have caught is answered with exit code 125: the sandbox then
/// compiles the program with the mcs command. The supervisor kills this process when a
/// compile passes its deadline, and the sandbox starts a new one for the next compile.
/// </summary>
public static class CompileServer
{
    // The exit code of a request this server could not answer as the command would.
    const int Unanswered = 125;

    const BindingFlags Members =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    static Type parserType, printerType, contextType, driverType;
    static MethodInfo parse, reset;

    public static void Main()
    {
        // A Mono whose mcs.exe lacks these types answers every request "unanswered".
        Exception unusable = null;
        try
        {
            Load();
        }
        catch (Exception error)
        {
            unusable = error;
        }
        var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        Stream output = Console.OpenStandardOutput();
        string line;
        while ((line = input.ReadLine()) != null)
        {
            var stderr = new StringWriter();
            var stdout = new StringWriter();
            int exit = Unanswered;
            if (unusable != null)
            {
                stderr.WriteLine(unusable);
            }
            else
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
                exit = Compile(line.Split('\0'), stderr, stdout);
            }
            byte[] text = new UTF8Encoding(false).GetBytes(stderr.ToString() + stdout.ToString());
            byte[] head = Encoding.ASCII.GetBytes(exit + " " + text.Length + "\n");
            output.Write(head, 0, head.Length);
            output.Write(text, 0, text.Length);
            output.Flush();
        }
    }

    /// <summary>The types of mcs's Main, from the mcs.exe beside the runtime's mscorlib.</summary>
    static void Load()
    {
        string runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
        Assembly mcs = Assembly.LoadFrom(Path.Combine(runtime, "mcs.exe"));
        parserType = mcs.GetType("Mono.CSharp.CommandLineParser", true);
        printerType = mcs.GetType("Mono.CSharp.ConsoleReportPrinter", true);
        contextType = mcs.GetType("Mono.CSharp.CompilerContext", true);
        driverType = mcs.GetType("Mono.CSharp.Driver", true);
        parse = parserType.GetMethod("ParseArguments", new[] { typeof(string[]) });
        reset = mcs.GetType("Mono.CSharp.CompilerCallableEntryPoint", true)
            .GetMethod("Reset", Type.EmptyTypes);
        if (parse == null || reset == null)
            throw new MissingMethodException("mcs.exe has no ParseArguments(string[]) or Reset()");
        mcs.GetType("Mono.CSharp.Location", true).GetField("InEmacs", Members)
            .SetValue(null, Environment.GetEnvironmentVariable("EMACS") == "t");
    }

    /// <summary>mcs's Main, with its two streams captured and its exit code returned.</summary>
    static int Compile(string[] args, TextWriter stderr, TextWriter stdout)
    {
        try
        {
            object parser = Activator.CreateInstance(parserType, stdout);
            object settings = parse.Invoke(parser, new object[] { args });
            if (settings == null)
                return 1;
            if ((bool)parserType.GetProperty("HasBeenStopped", Members).GetValue(parser, null))
                return 0;
            object printer = Activator.CreateInstance(printerType, stderr);
            object context = Activator.CreateInstance(contextType, settings, printer);
            object driver = Activator.CreateInstance(
                driverType, Members, null, new object[] { context }, null);
            bool compiled = (bool)driverType.GetMethod("Compile", Members).Invoke(driver, null);
            object report = driverType.GetProperty("Report", Members).GetValue(driver, null);
            int errors = (int)report.GetType().GetProperty("Errors", Members).GetValue(report, null);
            int warnings = (int)report.GetType().GetProperty("Warnings", Members).GetValue(report, null);
            if (compiled && errors == 0)
            {
                if (warnings > 0)
                    stdout.WriteLine("Compilation succeeded - {0} warning(s)", warnings);
                return 0;
            }
            stdout.WriteLine("Compilation failed: {0} error(s), {1} warnings", errors, warnings);
            return 1;
        }
        catch (Exception error)
        {
            // Not mcs's answer: the sandbox compiles again with the command.
            stderr.WriteLine(error);
            return Unanswered;
        }
        finally
        {
            reset.Invoke(null, null);
        }
    }
}
