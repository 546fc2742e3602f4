import java.util.List;

public class Report {
    public static String render(List<String> names, List<Integer> scores) {
        String out = "";
        for (int i = 0; i < names.size(); i++) {
            out = out + names.get(i) + ": " + scores.get(i) + "\n";
        }
        return out;
    }

    public static int best(List<Integer> scores) {
        int best = Integer.MIN_VALUE;
        for (int i = 0; i < scores.size(); i++) {
            for (int j = 0; j < scores.size(); j++) {
                if (scores.get(j) > best && scores.get(j) >= scores.get(i)) {
                    best = scores.get(j);
                }
            }
        }
        return best;
    }
}
