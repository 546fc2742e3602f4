import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static long compute(long n) {
        long s = 0;
        for (long i = 1; i <= n; i++) {
            long m = 0;
            for (long k = 1; k <= i; k++) {
                long x = k * 37 % 101;
                m = x > m ? x : m;
            }
            s += m;
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
