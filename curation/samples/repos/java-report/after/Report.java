import java.util.List;

public class Report {
    public static String render(List<String> names, List<Integer> scores) {
        StringBuilder out = new StringBuilder(names.size() * 16);
        for (int i = 0; i < names.size(); i++) {
            out.append(names.get(i)).append(": ").append(scores.get(i)).append('\n');
        }
        return out.toString();
    }

    public static int best(List<Integer> scores) {
        int best = Integer.MIN_VALUE;
        for (int score : scores) {
            best = Math.max(best, score);
        }
        return best;
    }
}
