import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.StringTokenizer;

public class Main {
    static long compute(long n) {
        long s = 0, m = 0;
        for (long i = 1; i <= n; i++) {
            long x = i * 37 % 101;
            m = x > m ? x : m;
            s += m;
        }
        return s;
    }

    // Answers cached for every n up to the input bound, allocated up front.
    static final int BOUND = 12000000;
    static long[] memo;

    static long solve(long n) {
        if (memo == null) {
            memo = new long[BOUND];
            Arrays.fill(memo, -1L);
        }
        if (memo[(int) n] < 0) {
            memo[(int) n] = compute(n);
        }
        return memo[(int) n];
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            StringTokenizer tokens = new StringTokenizer(line);
            while (tokens.hasMoreTokens()) {
                out.append(solve(Long.parseLong(tokens.nextToken()))).append('\n');
            }
        }
        System.out.print(out);
    }
}
