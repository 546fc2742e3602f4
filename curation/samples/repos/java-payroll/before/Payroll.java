import java.util.List;

public class Payroll {
    public static double pay(List<double[]> e) {
        double t = 0;
        for (int i = 0; i < e.size(); i++) {
            double[] x = e.get(i);
            if (x[0] > 40) {
                t += 40 * x[1] + (x[0] - 40) * x[1] * 1.5;
            } else {
                t += x[0] * x[1];
            }
            if (x[2] == 1) {
                t += 200;
            }
        }
        return t;
    }
}
