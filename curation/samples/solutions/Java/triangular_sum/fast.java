import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static long compute(long n) {
        long t = 0, s = 0;
        for (long i = 1; i <= n; i++) {
            t = (t + i) % 1000000007;
            s = (s + t) % 1000000007;
        }
        return s;
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            StringTokenizer tokens = new StringTokenizer(line);
            while (tokens.hasMoreTokens()) {
                out.append(compute(Long.parseLong(tokens.nextToken()))).append('\n');
            }
        }
        System.out.print(out);
    }
}
