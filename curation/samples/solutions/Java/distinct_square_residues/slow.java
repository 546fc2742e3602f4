import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static long compute(long n) {
        long count = 0;
        for (long i = 1; i <= n; i++) {
            boolean dup = false;
            for (long j = 1; j < i; j++) {
                if (j * j % 1009 == i * i % 1009) {
                    dup = true;
                }
            }
            if (!dup) {
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
