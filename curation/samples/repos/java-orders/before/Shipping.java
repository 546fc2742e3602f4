public class Shipping {
    public static double cost(double w, String c, boolean p) {
        double r = 0;
        if (w > 0) {
            if (c.equals("US")) {
                if (p) {
                    r = 5 + w * 1.5;
                } else {
                    r = 5 + w * 1.0;
                }
            } else {
                if (p) {
                    r = 15 + w * 3.0;
                } else {
                    r = 15 + w * 2.0;
                }
            }
        }
        return r;
    }
}
