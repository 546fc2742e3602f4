import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A warm javac for the codepref sandbox: one JVM that compiles many programs, one at a time.
 *
 * <p>Each request is one line on stdin, the javac arguments separated by NUL; the answer is
 * "EXIT LENGTH\n" and then LENGTH bytes of what javac printed. Every request runs the
 * javax.tools compiler with a fresh context, exactly as the javac command would (same
 * arguments, same diagnostics); annotation processing is off (-proc:none in the
 * arguments), so no code of the program runs here. The supervisor kills this process when
 * a compile passes its deadline, and the sandbox starts a new one for the next compile.
 */
public final class CompileServer {
    public static void main(String[] ignored) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        String line;
        while ((line = in.readLine()) != null) {
            String[] args = line.split("\0", -1);
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            int exit = javac.run(null, printed, printed, args);
            byte[] text = printed.toByteArray();
            out.write((exit + " " + text.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(text);
            out.flush();
        }
    }
}
