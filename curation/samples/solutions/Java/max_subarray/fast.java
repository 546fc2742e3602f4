import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static long compute(long n) {
        long best = -1000000000000L, cur = 0;
        for (long i = 1; i <= n; i++) {
            long x = i * 7919 % 1000 - 500;
            cur = cur + x > x ? cur + x : x;
            best = cur > best ? cur : best;
        }
        return best;
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
