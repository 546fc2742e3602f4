import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class CsvTotals {
    public static long total(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Long> amounts = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.split(",");
            amounts.add(Long.parseLong(fields[2].trim()));
        }
        long total = 0;
        for (Long amount : amounts) {
            total += amount;
        }
        return total;
    }
}
