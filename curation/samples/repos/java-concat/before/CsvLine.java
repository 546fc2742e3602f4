import java.util.List;

public class CsvLine {
    public static String join(List<String> cells) {
        String line = "";
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line = line + ",";
            }
            line = line + cells.get(i);
        }
        return line;
    }
}
