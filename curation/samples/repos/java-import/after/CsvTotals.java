import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

public class CsvTotals {
    public static long total(Path file) throws IOException {
        long total = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            while ((line = reader.readLine()) != null) {
                total += Long.parseLong(line.split(",", 4)[2].trim());
            }
        }
        return total;
    }
}
