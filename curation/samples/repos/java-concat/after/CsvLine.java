import java.util.List;

public class CsvLine {
    public static String join(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(cells.get(i));
        }
        return line.toString();
    }
}
