import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static long compute(long n) {
        boolean[] seen = new boolean[1009];
        long count = 0;
        for (long i = 1; i <= n; i++) {
            int r = (int) (i * i % 1009);
            if (!seen[r]) {
                seen[r] = true;
                count++;
            }
        }
        return count;
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
